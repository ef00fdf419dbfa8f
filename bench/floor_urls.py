"""A bare Django view serving saved bytes: ``BENCH_FLOOR_DIR/index.json`` maps each path (with
its query) to a file and a content type."""

import json
import os
from pathlib import Path

from django.http import Http404, HttpResponse
from django.urls import re_path

_DIRECTORY = Path(os.environ["BENCH_FLOOR_DIR"])
_PAGES = {
    path: ((_DIRECTORY / name).read_bytes(), content_type)
    for path, (name, content_type) in json.loads((_DIRECTORY / "index.json").read_text()).items()
}


def floor(request):
    try:
        body, content_type = _PAGES[request.get_full_path()]
    except KeyError as error:
        raise Http404 from error
    return HttpResponse(body, content_type=content_type)


urlpatterns = [re_path(r"", floor)]
