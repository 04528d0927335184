// Passkeys on the clinic's pages: a button with data-passkey="new" (add one), "second-factor"
// (after the password) or "signin" (a patient's passkey alone). The server sends the options,
// the browser asks the person (fingerprint, face or screen lock), the server checks the answer.
(function () {
  "use strict";
  var routes = { "new": "/signin/passkey/new", "second-factor": "/signin/second-factor/passkey", "signin": "/signin/passkey" };

  async function post(url, body, token) {
    var response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token || "" },
      body: body
    });
    var data = await response.json().catch(function () { return {}; });
    if (!response.ok) { throw new Error(data.detail || "The passkey did not work. Please try again."); }
    return data;
  }

  function say(button, message) {
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    if (status) { status.textContent = message; }
  }

  async function run(button) {
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
      say(button, "This browser cannot use passkeys. Please sign in another way.");
      return;
    }
    var route = routes[button.dataset.passkey];
    var token = button.dataset.csrf;
    button.disabled = true;
    say(button, "Waiting for your passkey…");
    try {
      var options = await post(route + "/options", "{}", token);
      var credential = button.dataset.passkey === "new"
        ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
        : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
      var result = await post(route, JSON.stringify(credential.toJSON()), token);
      say(button, "Done.");
      window.location.assign(result.next);
    } catch (error) {
      var cancelled = error && (error.name === "NotAllowedError" || error.name === "AbortError");
      say(button, cancelled ? "No passkey was used. You can try again." : error.message);
      button.disabled = false;
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-passkey]");
    if (button) { event.preventDefault(); run(button); }
  });
})();
