"""The centre admin ties an agent to a village in the admin site (the role is the security
administrator's); seed_demo makes two demo agents with villages and prints them."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from agents.models import AgentProfile
from agents.services import agent_profile_save
from hotline.errors import InvalidInput, NotAllowed
from hotline.models import Role, User
from hotline.services.accounts import account_save
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_centre_admin_edits_an_agent_profile(towns):
    centre = make_user("centre", Role.ADMIN, is_staff=True)
    user = make_user("agent_new", Role.AGENT, display_name="代办员新")
    client = Client()
    client.force_login(centre)
    response = client.post("/admin/agents/agentprofile/add/", {
        "user": user.pk, "village": "张庄村", "town": "老城镇", "is_active": "on"})
    assert response.status_code == 302
    profile = AgentProfile.objects.get(user=user)
    assert (profile.village, profile.town) == ("张庄村", "老城镇")
    operator = make_user("op", Role.OPERATOR)
    refused = client.post("/admin/agents/agentprofile/add/", {
        "user": operator.pk, "village": "张庄村", "town": "老城镇", "is_active": "on"})
    assert refused.status_code == 200 and not AgentProfile.objects.filter(user=operator).exists()
    page = client.get("/admin/agents/agentprofile/add/").content.decode()
    assert "槐店镇" in page and "老城镇" in page  # the county's towns to choose from


def test_profile_rules(towns, operator):
    user = make_user("agent_new", Role.AGENT)
    with pytest.raises(InvalidInput) as caught:
        agent_profile_save(actor=None, user=user, village="张庄村", town="不存在镇")
    assert caught.value.field == "town"
    with pytest.raises(InvalidInput):
        agent_profile_save(actor=None, user=operator, village="张庄村", town="老城镇")
    with pytest.raises(NotAllowed):
        agent_profile_save(actor=operator, user=user, village="张庄村", town="老城镇")


def test_security_administrator_gives_the_agent_role(towns):
    secadmin = make_user("sec", Role.SECADMIN)
    user = make_user("villager", Role.UNASSIGNED)
    user.role = Role.AGENT
    account_save(actor=secadmin, user=user)
    assert User.objects.get(pk=user.pk).role == Role.AGENT
    assert agent_profile_save(actor=None, user=user, village="王庄村", town="槐店镇").pk


def test_seed_demo_makes_two_agents_with_villages(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("seed_demo", "--no-tickets", stdout=out)
    printed = out.getvalue()
    assert "agent_hd" in printed and "槐店镇王庄村" in printed
    assert "agent_lc" in printed and "老城镇李楼村" in printed
    for username in ("agent_hd", "agent_lc"):
        user = User.objects.get(username=username)
        assert user.role == Role.AGENT and user.check_password("hotline12345") and user.phone
    call_command("seed_demo", "--no-tickets", stdout=StringIO())  # idempotent
    assert AgentProfile.objects.count() == 2
