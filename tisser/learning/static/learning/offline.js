/* A module goes on offline (decision 0053): the module's steps are kept on the device; when
   the device is offline, the next steps are shown here and each action is queued in
   localStorage with its page key, then sent once the connection is back. No framework. */
(function () {
  "use strict";
  var box = document.getElementById("m-offline");
  if (!box || !window.fetch || !window.localStorage || !window.JSON) return;
  var d = box.dataset, KEY = "tisser-module-" + d.progress, QKEY = KEY + "-queue";
  var mod = null, t = {}, misses = {}, sending = false;
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  try { mod = JSON.parse(localStorage.getItem(KEY)); } catch (e) { mod = null; }
  if (mod && mod.version === +d.version) { t = mod.text; } else {
    mod = null;
    fetch(d.payload, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j) { mod = j; t = j.text; localStorage.setItem(KEY, JSON.stringify(j)); } })
      .catch(function () {});
  }
  function queue() { try { return JSON.parse(localStorage.getItem(QKEY)) || []; } catch (e) { return []; } }
  function push(step, key, response) {
    var q = queue(); q.push({ step: step, key: key, response: response }); localStorage.setItem(QKEY, JSON.stringify(q));
  }
  function newKey() {
    var a = new Uint8Array(18); (window.crypto || window.msCrypto).getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function send() {
    var q = queue();
    if (!q.length || !navigator.onLine || sending) return;
    sending = true;
    fetch(d.sync, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ queue: q }) })
      .then(function (r) {
        if (r.status === 400) { localStorage.removeItem(QKEY); location.reload(); return; }
        if (!r.ok) { sending = false; return; }
        return r.json().then(function (j) { localStorage.removeItem(QKEY); location.href = j.next; });
      })
      .catch(function () { sending = false; });
  }
  window.addEventListener("online", send);
  setInterval(send, 10000);
  send();

  var main = document.querySelector("main");
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    for (var k in attrs || {}) { if (k === "text") n.textContent = attrs[k]; else n.setAttribute(k, attrs[k]); }
    (kids || []).forEach(function (c) { if (c) n.appendChild(c); });
    return n;
  }
  function button(label, onTap, cls) {
    var b = el("button", { type: "button", "class": cls || "l-button", text: label });
    b.addEventListener("click", onTap); return b;
  }
  function listen(target) {
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) return null;
    return button(t.listen, function () {
      var u = new window.SpeechSynthesisUtterance(document.getElementById(target).textContent);
      u.lang = "fr-FR"; window.speechSynthesis.cancel(); window.speechSynthesis.speak(u);
    }, "listen");
  }
  // Only a card or the recap is queued without a response; a simulation (or an exercise
  // the device cannot show) is left for later: the server would refuse it in the queue.
  function isRead(s) { return s.kind === "card" || s.kind === "recap"; }
  function index(id) { for (var i = 0; i < mod.steps.length; i++) if (mod.steps[i].id === id) return i; return -1; }
  function show(i, kids) {
    main.textContent = "";
    main.appendChild(el("p", { "class": "m-progress",
      text: mod.title + " — " + t.step.replace("%1", i + 1).replace("%2", mod.steps.length) }));
    main.appendChild(el("p", { "class": "l-message", role: "status", text: t.offline }));
    kids.forEach(function (k) { if (k) main.appendChild(k); });
    var h = main.querySelector("h1");
    if (h) { h.setAttribute("tabindex", "-1"); h.focus(); }
    window.scrollTo(0, 0);
  }
  function render(i) {
    var s = mod.steps[i];
    if (!s) { show(mod.steps.length - 1, [el("h1", { text: t.end })]); return; }
    var next = button(t.next, function () { if (isRead(s)) push(s.id, newKey(), null); render(i + 1); });
    if (s.kind === "card" || s.kind === "recap") {
      var body = s.kind === "recap"
        ? el("ul", { "class": "m-points" }, s.points.map(function (p) { return el("li", { text: p }); }))
        : el("div", {}, s.lines.map(function (p) { return el("p", { text: p }); }));
      body.id = "texte";
      show(i, [el("article", { "class": "m-step m-" + s.kind }, [
        el("div", { "class": "m-head" }, [el("h1", { text: s.kind === "recap" ? t.recap : s.title }), listen("texte")]),
        body, el("p", {}, [next])])]);
    } else if (!s.type) {
      show(i, [el("h1", { text: t.later }), el("p", {}, [next])]);
    } else {
      exercise(i, null);
    }
  }
  function exercise(i, answer) {
    var s = mod.steps[i], form = el("form", { "class": "exercise-form", "aria-labelledby": "consigne", "data-offline": "1" });
    if (s.type === "choice") {
      form.appendChild(el("fieldset", { "class": "options" }, [el("legend", { "class": "visually-hidden", text: s.question || s.instruction })]
        .concat(s.options.map(function (o) {
          return el("label", { "class": "option" }, [el("input", { type: s.multiple ? "checkbox" : "radio", name: "selected", value: o[0] }),
            el("span", { "class": "option-text", text: o[1] })]);
        }))));
      form.appendChild(el("p", { "class": "submit-row" }, [el("button", { type: "submit", "class": "button button-large", text: t.check })]));
    } else if (s.type === "zone") {
      form.appendChild(el("fieldset", { "class": "zone-list" }, [el("legend", { text: t.zones }),
        el("ul", { "class": "button-list" }, s.zones.map(function (z) {
          return el("li", {}, [el("button", { type: "submit", name: "zone", value: z[0], "class": "button button-secondary", text: z[1] })]);
        }))]));
    } else if (s.type === "order") {
      var list = el("ol", { "class": "steps", "aria-describedby": "ordre-aide" }, s.shown.map(function (id) {
        var text = s.steps.filter(function (x) { return x[0] === id; })[0][1];
        function move(up) {
          return button(up ? "▲" : "▼", function () {
            var li = this.closest("li"), to = up ? li.previousElementSibling : li.nextElementSibling;
            if (to) list.insertBefore(li, up ? to : to.nextElementSibling);
            this.focus();
          }, "step-move");
        }
        var upB = move(true), downB = move(false);
        upB.setAttribute("aria-label", t.up.replace("%1", text));
        downB.setAttribute("aria-label", t.down.replace("%1", text));
        return el("li", { "class": "step" }, [el("input", { type: "hidden", name: "order", value: id }),
          el("span", { "class": "step-text", text: text }), el("span", { "class": "step-moves" }, [upB, downB])]);
      }));
      form.appendChild(el("p", { "class": "hint", id: "ordre-aide", text: t.order }));
      form.appendChild(list);
      form.appendChild(el("p", { "class": "submit-row" }, [el("button", { type: "submit", "class": "button button-large", text: t.check })]));
    } else {
      form.appendChild(el("p", { "class": "statement", text: s.statement }));
      form.appendChild(el("div", { "class": "yes-no", role: "group", "aria-label": t.answer_label }, [
        el("button", { type: "submit", name: "answer", value: "oui", "class": "button button-large", text: t.yes }),
        el("button", { type: "submit", name: "answer", value: "non", "class": "button button-large", text: t.no })]));
    }
    var art = el("article", { "class": "exercise exercise-" + s.type }, [
      el("div", { "class": "instruction" }, [el("h1", { id: "consigne", "class": "instruction-text", text: s.instruction }), listen("consigne")]), form]);
    show(i, [art]);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var r = responseOf(s, form, e.submitter);
      if (r) answered(i, art, newKey(), r);
    });
    if (answer) answered(i, art, answer.key, answer.response);
  }
  function responseOf(s, form, submitter) {
    if (s.type === "yes_no") return submitter && submitter.value ? { answer: submitter.value === "oui" } : null;
    if (s.type === "zone") {
      if (submitter && submitter.name === "zone") return { zone: submitter.value };
      var x = form.elements.x, y = form.elements.y;
      return x && x.value ? { x: +x.value, y: +y.value } : null;
    }
    if (s.type === "order") return { order: Array.prototype.map.call(form.querySelectorAll("input[name=order]"), function (n) { return n.value; }) };
    var chosen = Array.prototype.map.call(form.querySelectorAll("input[name=selected]:checked"), function (n) { return n.value; });
    return chosen.length ? { selected: chosen } : null;
  }
  function zoneOf(s, r) {
    if (r.zone) return r.zone;
    var z = s.zones.filter(function (z) { return z[2] <= r.x && r.x <= z[2] + z[4] && z[3] <= r.y && r.y <= z[3] + z[5]; })[0];
    return z ? z[0] : null;
  }
  function answered(i, art, key, r) {
    var s = mod.steps[i];
    push(s.id, key, r);
    var ok = s.type === "yes_no" ? r.answer === s.answer
      : s.type === "zone" ? zoneOf(s, r) === s.correct
      : s.type === "order" ? r.order.join() === s.steps.map(function (x) { return x[0]; }).join()
      : r.selected.length === s.correct.length && r.selected.every(function (v) { return s.correct.indexOf(v) >= 0; });
    if (!ok) misses[s.id] = (misses[s.id] || 0) + 1;
    var shown = !ok && misses[s.id] >= 3, left = 3 - (misses[s.id] || 0);
    art.querySelectorAll("input, form button").forEach(function (n) { n.disabled = true; });
    var said = el("div", { id: "apres" }, ok ? [el("p", { "class": "feedback-title", text: "✔ " + t.right }), s.success && el("p", { text: s.success })]
      : [el("p", { "class": "feedback-title", text: "✘ " + t.wrong })].concat(shown
        ? [el("p", { text: t.answer + " " + right() }), el("p", { text: t.shown })]
        : [s.hint && el("p", { "class": "m-hint", text: t.hint + " " + s.hint }), el("p", { text: (left > 1 ? t.tries : t.try).replace("%1", left) })]));
    function right() {
      if (s.type === "yes_no") return s.answer ? t.yes : t.no;
      if (s.type === "order") return s.steps.map(function (x) { return x[1]; }).join(" → ");
      var all = s.type === "zone" ? s.zones : s.options;
      return all.filter(function (o) { return [].concat(s.correct).indexOf(o[0]) >= 0; }).map(function (o) { return o[1]; }).join(", ");
    }
    var fb = el("div", { "class": "feedback " + (ok ? "feedback-right" : "feedback-wrong"), role: "status", tabindex: "-1" }, [said, listen("apres")]);
    art.insertBefore(fb, art.querySelector("form"));
    art.appendChild(el("p", { "class": "next-row" }, [ok || shown
      ? button(t.next, function () { render(i + 1); })
      : button(t.retry, function () { exercise(i, null); })]));
    fb.focus();
  }

  // Only while offline: the page's own forms and links are played here instead.
  document.addEventListener("submit", function (e) {
    if (navigator.onLine || !mod || !main.contains(e.target) || e.target.dataset.offline) return;
    e.preventDefault();
    var i = index(d.step), s = mod.steps[i];
    if (!s) return;
    if (isRead(s)) { push(s.id, newKey(), null); render(i + 1); return; }
    if (!s.type) { render(i); return; }
    var attempt = e.target.querySelector("input[name=attempt]");
    var r = responseOf(s, e.target, e.submitter);
    if (r) exercise(i, { key: attempt ? attempt.value : newKey(), response: r });
  }, true);
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("main a[href]");
    if (navigator.onLine || !mod || !a) return;
    var m = a.getAttribute("href").match(/\/etape\/([^/]+)\/$/);
    var i = m ? index(m[1]) : (/\/termine\/$/.test(a.getAttribute("href")) ? mod.steps.length : -1);
    if (i < 0) return;
    e.preventDefault();
    render(i);
  }, true);
})();
