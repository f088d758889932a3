from tisser.accounts.enums import Role


def test_public_home_is_served_in_french(client, site):
    response = client.get("/")
    assert response.status_code == 200
    assert "espace de solidarité numérique" in response.content.decode()


def test_site_manager_home_shows_their_site(login, site, member_factory):
    client = login(member_factory(site, Role.SITE_MANAGER))
    response = client.get("/espace-pro/")
    assert response.status_code == 200
    assert site.name in response.content.decode()
