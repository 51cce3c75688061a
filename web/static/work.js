// Progressive enhancement of the staff pages. Every page works without this
// script; it only adds conveniences: a warning before leaving the
// assessment form with unsaved changes (the whole page is one form, saved
// at once by any of its save buttons), a size check before uploading,
// confirmations of irreversible actions, "not applicable" locking the
// points box, and a select-all box on the dashboard.
(function () {
  "use strict";

  var dirty = new Set();
  var submitting = false;

  document.querySelectorAll("form.assessment-form").forEach(function (form) {
    var state = form.querySelector(".save-state");
    var mark = function (ev) {
      if (ev && ev.target && ev.target.type === "search") {
        return;
      }
      dirty.add(form);
      form.classList.add("dirty");
      if (state) {
        state.textContent = state.getAttribute("data-dirty");
      }
    };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function (ev) {
      var max = 0, total = 0, msg = "";
      form.querySelectorAll("input[type=file][data-max]").forEach(function (inp) {
        max = parseInt(inp.getAttribute("data-max"), 10) || 0;
        msg = inp.getAttribute("data-too-large") || msg;
        Array.prototype.forEach.call(inp.files || [], function (f) { total += f.size; });
      });
      if (max > 0 && total > max) {
        ev.preventDefault();
        window.alert(msg);
        return;
      }
      submitting = true;
    });
  });

  window.addEventListener("beforeunload", function (ev) {
    if (submitting || dirty.size === 0) {
      return;
    }
    var first = dirty.values().next().value;
    ev.preventDefault();
    ev.returnValue = first.getAttribute("data-unsaved") || "";
    return ev.returnValue;
  });

  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (!window.confirm(el.getAttribute("data-confirm"))) {
        ev.preventDefault();
      }
    });
  });

  // "Not applicable" makes the points box read-only (its value is kept, so
  // unticking brings it back).
  document.querySelectorAll("input[type=checkbox][name^='na.']").forEach(function (box) {
    var code = box.name.slice(3);
    var points = document.getElementById("p-" + code);
    if (!points) {
      return;
    }
    var sync = function () {
      if (points.tagName === "SELECT") {
        points.disabled = box.checked;
      } else {
        points.readOnly = box.checked;
      }
      points.classList.toggle("is-na", box.checked);
    };
    box.addEventListener("change", sync);
    sync();
  });

  // The file boxes are hidden behind a button in the page's language (a
  // browser writes "Choose Files" in its own): the chosen names show
  // beside it.
  document.querySelectorAll("input.file-input").forEach(function (inp) {
    var out = inp.parentElement.querySelector(".file-names");
    if (!out) {
      return;
    }
    inp.addEventListener("change", function () {
      var names = Array.prototype.map.call(inp.files || [], function (f) { return f.name; });
      out.textContent = names.length ? inp.getAttribute("data-some") + " " + names.join(", ") : inp.getAttribute("data-none");
    });
  });

  // Open or fold every field of the assessment at once.
  document.querySelectorAll(".fold-tools").forEach(function (tools) {
    tools.hidden = false;
    tools.querySelectorAll("button[data-fold]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var open = btn.getAttribute("data-fold") === "open";
        document.querySelectorAll("details.work-field").forEach(function (d) { d.open = open; });
      });
    });
  });

  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var name = all.getAttribute("data-select-all");
    var form = all.form || all.closest("form");
    if (!form) {
      return;
    }
    all.hidden = false;
    all.addEventListener("change", function () {
      form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (b) { b.checked = all.checked; });
    });
  });
})();
