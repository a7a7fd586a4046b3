/* Reviewer workspace: keyboard shortcuts, lease renewal, audited reveal, sweep progress. */
(function () {
  "use strict";
  var csrf = function () { return document.body.getAttribute("data-csrf") || ""; };

  function post(url, body) {
    var data = new FormData();
    data.append("csrf_token", csrf());
    Object.keys(body || {}).forEach(function (k) { data.append(k, body[k]); });
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" }
    });
  }

  function typing(ev) {
    var t = ev.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
  }

  function initQueue() {
    var start = document.getElementById("start");
    if (!start) { return; }
    document.addEventListener("keydown", function (ev) {
      if (typing(ev) || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
      if (ev.key === "j") { ev.preventDefault(); start.form.submit(); }
    });
  }

  function initItem() {
    var root = document.getElementById("item");
    if (!root) { return; }
    var open = root.getAttribute("data-open") === "1";
    var form = document.getElementById("decide-form");
    var decision = document.getElementById("decision");
    var panel = document.getElementById("remove-panel");
    var submitting = false;

    function decide(value) {
      if (!form || submitting) { return; }
      submitting = true;
      decision.value = value;
      form.submit();
    }
    function showRemove() {
      if (!panel) { return; }
      panel.hidden = false;
      document.getElementById("reason").focus();
    }
    function reveal() {
      var button = document.getElementById("reveal");
      if (!button || button.disabled) { return; }
      button.disabled = true;
      post(root.getAttribute("data-reveal-url"), { purpose: "review decision" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          document.querySelectorAll("[data-finding]").forEach(function (el) {
            var i = parseInt(el.getAttribute("data-finding"), 10);
            if (data.findings && data.findings[i] !== undefined) {
              el.textContent = data.findings[i];
              el.classList.add("revealed");
            }
          });
          var author = document.getElementById("author-id");
          if (author && data.author) { author.textContent = "author " + data.author; }
          button.textContent = "Revealed (audited)";
        })
        .catch(function () { button.disabled = false; });
    }

    if (form) {
      form.addEventListener("submit", function (ev) {
        var b = ev.submitter;
        if (b && b.getAttribute("data-decision")) { decision.value = b.getAttribute("data-decision"); }
        submitting = true;
      });
      document.getElementById("btn-remove").addEventListener("click", showRemove);
    }
    var revealButton = document.getElementById("reveal");
    if (revealButton) { revealButton.addEventListener("click", reveal); }
    var skip = document.getElementById("skip-form");
    if (skip) { skip.addEventListener("submit", function () { submitting = true; }); }

    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
      if (panel && !panel.hidden) {
        if (ev.key === "Escape") { panel.hidden = true; ev.preventDefault(); return; }
        if (ev.key === "Enter" && ev.target.tagName !== "TEXTAREA") { ev.preventDefault(); decide("remove"); return; }
      }
      if (typing(ev) || ev.target.tagName === "SELECT") { return; }
      var k = ev.key;
      if (open && k === "a") { ev.preventDefault(); decide("approve"); }
      else if (open && k === "r") { ev.preventDefault(); showRemove(); }
      else if (open && k === "e" && document.getElementById("btn-escalate")) { ev.preventDefault(); decide("escalate"); }
      else if (k === "j") {
        ev.preventDefault();
        if (skip) { submitting = true; skip.submit(); } else { window.location = "/review/queue"; }
      }
      else if (k === "v") { ev.preventDefault(); reveal(); }
    });

    if (!open) { return; }
    // Renew the lease while the reviewer is active; let it lapse when they walk away.
    var active = true;
    ["keydown", "mousemove", "scroll", "click"].forEach(function (name) {
      document.addEventListener(name, function () { active = true; }, { passive: true });
    });
    var lease = parseInt(root.getAttribute("data-lease-seconds"), 10) || 300;
    var status = document.getElementById("lease-status");
    setInterval(function () {
      if (!active || submitting) { return; }
      active = false;
      post(root.getAttribute("data-renew-url")).then(function (r) {
        if (r.status === 409 && status) {
          status.textContent = "Your lease on this item was lost: another reviewer may have it.";
          status.classList.add("late");
        }
      });
    }, Math.max(10, Math.min(60, lease / 3)) * 1000);
    // Leaving the page without deciding gives the item back at once.
    window.addEventListener("pagehide", function () {
      if (submitting || !navigator.sendBeacon) { return; }
      var data = new FormData();
      data.append("csrf_token", csrf());
      data.append("beacon", "1");
      navigator.sendBeacon(root.getAttribute("data-release-url"), data);
    });
  }

  function initSweep() {
    var box = document.getElementById("sweep");
    if (!box) { return; }
    var status = box.getAttribute("data-status");
    if (status === "done" || status === "failed") { return; }
    var timer = setInterval(function () {
      fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          var bar = document.getElementById("sweep-progress");
          bar.max = p.total || 1;
          bar.value = p.done;
          document.getElementById("sweep-status").textContent = p.status;
          document.getElementById("sweep-count").textContent = p.done + " / " + p.total;
          document.querySelectorAll("#sweep-summary [data-key]").forEach(function (dd) {
            var v = p.summary[dd.getAttribute("data-key")];
            if (v !== undefined) { dd.textContent = v; }
          });
          if (p.status === "done" || p.status === "failed") { clearInterval(timer); }
        });
    }, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    initQueue();
    initItem();
    initSweep();
  });
})();
