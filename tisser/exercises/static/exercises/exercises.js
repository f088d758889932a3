/* Exercises: « Écouter », and the few gestures the server cannot do alone. Every item also
   works without this file: buttons submit the form (see tisser/exercises/templates). */
(function () {
  "use strict";

  /* « Écouter »: the browser's own French voice, nothing downloaded. */
  function frenchVoice(voices) {
    return voices.find(function (v) { return /^fr([-_]|$)/i.test(v.lang); }) || null;
  }
  function whenVoices(synth, done) {
    var voices = synth.getVoices();
    if (voices.length) { done(voices); return; }
    var finished = false;
    function finish() {
      if (finished) { return; }
      finished = true;
      done(synth.getVoices());
    }
    synth.addEventListener("voiceschanged", finish, { once: true });
    setTimeout(finish, 1500);
  }
  /* What a sighted reader reads: the text without its decorative signs (aria-hidden). */
  function spokenText(id) {
    var copy = document.getElementById(id).cloneNode(true);
    copy.querySelectorAll("[aria-hidden=true]").forEach(function (node) { node.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }
  function setupListen(button) {
    var synth = window.speechSynthesis;
    var label = button.querySelector(".listen-label");
    button.hidden = false;
    button.addEventListener("click", function () {
      if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
        noVoice();
        return;
      }
      whenVoices(synth, function (voices) {
        var voice = frenchVoice(voices);
        if (!voice) { noVoice(); return; }
        var utterance = new window.SpeechSynthesisUtterance(spokenText(button.dataset.listen));
        utterance.lang = "fr-FR";
        utterance.voice = voice;
        utterance.rate = 0.9;
        synth.cancel();
        synth.speak(utterance);
      });
    });
    function noVoice() {
      label.textContent = button.dataset.noVoice;
      button.classList.add("listen-none");
      button.setAttribute("aria-disabled", "true");
    }
  }

  /* Zone: a tap on the picture sends the point, in the picture's own units. */
  function setupZone(box) {
    var form = box.closest("form");
    var svg = box.querySelector("svg");
    svg.addEventListener("click", function (event) {
      if (form.dataset.sent) { return; }
      var rect = svg.getBoundingClientRect();
      var x = (event.clientX - rect.left) * Number(box.dataset.width) / rect.width;
      var y = (event.clientY - rect.top) * Number(box.dataset.height) / rect.height;
      form.elements.x.value = x.toFixed(1);
      form.elements.y.value = y.toFixed(1);
      form.dataset.sent = "1";
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
  }

  /* Order: tap a step, then tap its place; or the up / down arrows, without reloading. */
  function setupSteps(list) {
    var status = list.parentNode.querySelector("[data-steps-status]");
    var picked = null;
    function renumber() {
      Array.prototype.forEach.call(list.children, function (li, index) {
        li.querySelector(".step-number").textContent = String(index + 1);
        var moves = li.querySelectorAll(".step-move");
        if (moves.length) {
          moves[0].disabled = index === 0;
          moves[1].disabled = index === list.children.length - 1;
        }
      });
    }
    function announce(li) {
      var place = Array.prototype.indexOf.call(list.children, li) + 1;
      status.textContent = li.querySelector(".step-text").textContent + " : place " + place;
    }
    function unpick() {
      if (picked) { picked.classList.remove("step-picked"); picked.querySelector(".step-pick").setAttribute("aria-pressed", "false"); }
      picked = null;
    }
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var li = button.closest("li");
      if (button.classList.contains("step-move")) {
        event.preventDefault();
        var up = button.value.slice(-3) === ":up";
        if (up && li.previousElementSibling) { list.insertBefore(li, li.previousElementSibling); }
        if (!up && li.nextElementSibling) { list.insertBefore(li.nextElementSibling, li); }
        unpick();
        renumber();
        announce(li);
        button.focus();
        return;
      }
      if (!button.classList.contains("step-pick")) { return; }
      if (!picked) {
        picked = li;
        li.classList.add("step-picked");
        button.setAttribute("aria-pressed", "true");
        status.textContent = li.querySelector(".step-text").textContent + " : touchez sa place";
        return;
      }
      if (picked === li) { unpick(); return; }
      var moving = picked;
      var children = Array.prototype.slice.call(list.children);
      var from = children.indexOf(moving);
      var to = children.indexOf(li);
      list.insertBefore(moving, from < to ? li.nextElementSibling : li);
      unpick();
      renumber();
      announce(moving);
    });
  }

  /* Pointer practice: the target grows after each miss; the tap-only path always ends it. */
  function setupPointer(area) {
    var action = area.dataset.pointer;
    var form = area.closest("form");
    var target = area.querySelector("[data-target]");
    var status = area.querySelector("[data-pointer-status]");
    var misses = 0;
    var lastTap = 0;
    var dragging = null;
    function miss(message) {
      misses += 1;
      form.querySelector("[data-misses]").value = String(misses);
      target.classList.remove("grow-" + Math.min(misses - 1, 4));
      target.classList.add("grow-" + Math.min(misses, 4));
      status.textContent = message || area.dataset.again;
    }
    function done(mode) {
      form.querySelector("[data-mode]").value = mode;
      var sent = document.createElement("input");
      sent.type = "hidden"; sent.name = "done"; sent.value = "1";
      form.appendChild(sent);
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
    area.addEventListener("click", function (event) {
      if (target.disabled) { return; }
      var onTarget = event.target.closest("[data-target]");
      var onDrop = event.target.closest("[data-drop]");
      var keyboard = event.detail === 0;
      if (action === "drag") {
        event.preventDefault();
        if (onTarget) { target.classList.add("picked"); target.setAttribute("aria-pressed", "true"); status.textContent = area.dataset.picked; return; }
        if (onDrop && target.classList.contains("picked")) { done(keyboard ? "keyboard" : "tap"); return; }
        if (!onDrop) { miss(); }
        return;
      }
      if (!onTarget) { miss(); return; }
      event.preventDefault();
      if (keyboard) { done("keyboard"); return; }
      if (action !== "double_click") { done("pointer"); return; }
      var now = Date.now();
      /* Slower hands get more time after each try: no one is left unable to finish. */
      if (now - lastTap < 500 + 400 * misses) { done("pointer"); return; }
      if (lastTap) { miss(area.dataset.twice); }
      lastTap = now;
    });
    if (action === "double_click") {
      target.addEventListener("dblclick", function (event) { event.preventDefault(); done("pointer"); });
    }
    if (action === "drag") {
      var drop = area.querySelector("[data-drop]");
      target.addEventListener("pointerdown", function (event) {
        if (event.pointerType === "touch" && !event.isPrimary) { return; }
        dragging = { x: event.clientX, y: event.clientY, moved: false };
        target.setPointerCapture(event.pointerId);
      });
      target.addEventListener("pointermove", function (event) {
        if (!dragging) { return; }
        var dx = event.clientX - dragging.x, dy = event.clientY - dragging.y;
        if (Math.abs(dx) + Math.abs(dy) > 8) { dragging.moved = true; }
        target.style.transform = "translate(" + dx + "px," + dy + "px)";
      });
      target.addEventListener("pointerup", function (event) {
        if (!dragging) { return; }
        var moved = dragging.moved;
        dragging = null;
        target.style.transform = "";
        if (!moved) { return; }
        var box = drop.getBoundingClientRect();
        if (event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom) {
          done("pointer");
        } else {
          miss();
        }
      });
    }
  }

  document.querySelectorAll("[data-listen]").forEach(setupListen);
  document.querySelectorAll("[data-zone-picture]").forEach(setupZone);
  document.querySelectorAll("[data-steps]").forEach(setupSteps);
  document.querySelectorAll("[data-pointer]").forEach(setupPointer);
})();
