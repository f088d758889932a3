import pytest
from tests.e2e.test_exercises import phone_context, learner_card, sign_in_with_code
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

def test_dbg(browser, live_server, site):
    context = phone_context(browser, live_server)
    page = context.new_page()
    sign_in_with_code(page, learner_card(site))
    for key in ["ordre-envoyer-photo", "formulaire-compte-caf", "messagerie-arnaque-colis", "zone-appli-messages", "taper-adresse-mail", "geste-toucher", "choix-bouton-envoyer"]:
        page.goto(f"/apprendre/exercices/{key}/")
        print(key, page.evaluate("""() => { const out=[]; document.querySelectorAll('body *').forEach(e => { const r=e.getBoundingClientRect(); if (r.right > 362) out.push(e.tagName+'.'+e.className+':'+Math.round(r.right)); }); return out.slice(0,8); }"""))
    page.goto("/apprendre/exercices/ordre-envoyer-photo/")
    page.screenshot(path="/tmp/order.png", full_page=True)
