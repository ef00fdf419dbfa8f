/* Masthead's tools around the article body editor (CKEditor 5 from django-ckeditor-5):
 * a project picker that inserts <a class="project-link" data-id=…> (the server fills in the
 * project's name, logo and link), autosave of unsaved text, and the head image focal point.
 * No inline scripts or styles: the admin's Content Security Policy stays strict. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
  }

  function whenEditor(id, callback) {
    var tries = 0;
    (function wait() {
      var editor = window.editors && window.editors[id];
      if (editor) { callback(editor); return; }
      if (tries++ < 400) { window.setTimeout(wait, 50); }
    })();
  }

  function selectedText(editor) {
    var range = editor.model.document.selection.getFirstRange();
    var text = "";
    if (!range) { return text; }
    Array.from(range.getItems()).forEach(function (item) {
      if (item.is("$textProxy")) { text += item.data; }
    });
    return text;
  }

  function insertProject(editor, project) {
    var text = selectedText(editor) || project.name;
    var html = "<a class=\"project-link\" data-id=\"" + escapeHtml(project.id) + "\" href=\"" +
      escapeHtml(project.url) + "\">" + escapeHtml(text) + "</a>";
    var viewFragment = editor.data.processor.toView(html);
    var modelFragment = editor.data.toModel(viewFragment);
    editor.model.insertContent(modelFragment);
    editor.editing.view.focus();
  }

  function setUpProjectPicker(box, editor) {
    var input = box.querySelector(".masthead-project-q");
    var list = box.querySelector(".masthead-project-results");
    var url = box.getAttribute("data-project-search-url");
    var timer = null;
    if (!input || !list || !url) { return; }
    function render(results) {
      list.textContent = "";
      results.forEach(function (project) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "masthead-project-choice";
        button.setAttribute("data-project-id", project.id);
        button.textContent = project.name + "（" + project.id + "）";
        button.addEventListener("click", function () {
          insertProject(editor, project);
          list.textContent = "";
          input.value = "";
        });
        item.appendChild(button);
        list.appendChild(item);
      });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (!query) { render([]); return; }
      timer = window.setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) { render(data.results || []); });
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // never submit the article form from the search box
        event.preventDefault();
        var first = list.querySelector("button");
        if (first) { first.click(); }
      }
    });
  }

  function setUpAutosave(box, editor) {
    var config = document.getElementById("masthead-editor-config");
    var status = box.querySelector(".masthead-autosave-status");
    if (!config) { return; }
    var url = config.getAttribute("data-autosave-url");
    var version = parseInt(config.getAttribute("data-version"), 10);
    var title = document.getElementById("id_title");
    var excerpt = document.getElementById("id_excerpt");
    var timer = null;
    var dirty = false;
    var stopped = false;  // the form is being submitted, or autosave was stopped
    var inFlight = Promise.resolve();

    function payload() {
      return JSON.stringify({
        title: title ? title.value : "",
        excerpt: excerpt ? excerpt.value : "",
        body: editor.getData(),
        base_version: isNaN(version) ? null : version
      });
    }
    function save(keepalive) {
      if (!dirty || stopped) { return inFlight; }
      dirty = false;
      inFlight = fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: !!keepalive,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: payload()
      }).then(function (response) { return response.json(); }).then(function (data) {
        if (status && data.saved_at) { status.textContent = "已自动保存 " + data.saved_at; }
      }).catch(function () {
        dirty = true;
        if (status) { status.textContent = "自动保存失败，稍后重试"; }
      });
      return inFlight;
    }
    function changed() {
      dirty = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 1500);
    }
    editor.model.document.on("change:data", changed);
    [title, excerpt].forEach(function (field) {
      if (field) { field.addEventListener("input", changed); }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(true); }
    });
    window.addEventListener("pagehide", function () { save(true); });
    var form = box.closest("form");
    if (form) { form.addEventListener("submit", function () { stopped = true; }); }
    // Save what is pending now and stop autosaving (before leaving the page on purpose);
    // resolves when the last autosave request has finished.
    window.mastheadAutosave = {
      stop: function () {
        window.clearTimeout(timer);
        var last = save(false);
        stopped = true;
        return last.then(function () { return null; });
      }
    };

    var banner = document.querySelector(".masthead-autosave-banner");
    if (!banner) { return; }
    var restore = banner.querySelector("[data-autosave-restore]");
    var discard = banner.querySelector("[data-autosave-discard]");
    if (restore) {
      restore.addEventListener("click", function () {
        var data = JSON.parse(document.getElementById("masthead-autosave-data").textContent);
        if (title) { title.value = data.title; }
        if (excerpt) { excerpt.value = data.excerpt; }
        editor.setData(data.body);
        banner.hidden = true;
      });
    }
    if (discard) {
      discard.addEventListener("click", function () {
        fetch(url, { method: "DELETE", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } });
        banner.hidden = true;
      });
    }
  }

  function setUpFocalPicker() {
    document.querySelectorAll(".focal-picker").forEach(function (picker) {
      var image = picker.querySelector("img");
      var marker = picker.querySelector(".focal-marker");
      var x = document.getElementById("id_head_image_focal_x");
      var y = document.getElementById("id_head_image_focal_y");
      function place(fx, fy) {
        marker.style.left = (fx * 100) + "%";
        marker.style.top = (fy * 100) + "%";
      }
      place(parseFloat(picker.getAttribute("data-x")), parseFloat(picker.getAttribute("data-y")));
      if (!image || !x || !y) { return; }
      image.addEventListener("click", function (event) {
        var box = image.getBoundingClientRect();
        var fx = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
        var fy = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
        x.value = fx.toFixed(3);
        y.value = fy.toFixed(3);
        place(fx, fy);
      });
    });
  }

  // 字数 as Chinese editors count it (the server's articles.text.character_count): each CJK
  // character is one, each Latin word or number is one; spaces and markup are not counted.
  var CJK = /[\u3400-\u9fff\uf900-\ufaff]/g;
  var LATIN_WORD = /[A-Za-z0-9]+(?:[-'.][A-Za-z0-9]+)*/g;
  function characterCount(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.replace(/<\/(p|div|h[1-6]|li|blockquote|figcaption|tr)>|<br\s*\/?>/gi, " ");
    var text = holder.textContent || "";
    var cjk = (text.match(CJK) || []).length;
    var words = (text.replace(CJK, " ").match(LATIN_WORD) || []).length;
    return cjk + words;
  }

  function setUpCharacterCount(box, editor) {
    var output = box.querySelector(".masthead-character-count");
    if (!output) { return; }
    function update() { output.textContent = output.getAttribute("data-label") + characterCount(editor.getData()); }
    editor.model.document.on("change:data", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".masthead-editor").forEach(function (box) {
      whenEditor(box.getAttribute("data-editor-id"), function (editor) {
        setUpCharacterCount(box, editor);
        setUpProjectPicker(box, editor);
        setUpAutosave(box, editor);
        box.setAttribute("data-ready", "1");
      });
    });
    setUpFocalPicker();
  });
})();
