// allauth's passkey forms announce a failure (cancelled, timed out, unknown key) as an
// "allauth.error" event; show the page's French message instead of a silent console line.
document.addEventListener('allauth.error', function (event) {
  var box = document.getElementById('passkey-error')
  if (!box) {
    return
  }
  event.preventDefault()
  box.textContent = box.dataset.message
  box.hidden = false
  box.focus()
})
