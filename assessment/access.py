"""Who sees the assessment: the centre (中心管理员, 值班长, 领导) all units; unit staff their own
unit's score only; anyone else nothing. Publishing: 中心管理员 and 值班长."""
from hotline.errors import NotAllowed
from hotline.models import Role

CENTRE = (Role.ADMIN, Role.SUPERVISOR, Role.LEADER)
PUBLISHERS = (Role.ADMIN, Role.SUPERVISOR)


def assessment_scope(user):
    """None for the centre (every unit), the person's unit for unit staff; NotAllowed otherwise."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise NotAllowed("请先登录")
    if user.has_role(*CENTRE):
        return None
    if user.role == Role.UNIT_STAFF and user.unit_id:
        return user.unit
    raise NotAllowed("您的角色无权查看月度考核")


def may_see_assessment(user) -> bool:
    try:
        assessment_scope(user)
    except NotAllowed:
        return False
    return True


def may_publish(user) -> bool:
    return bool(user.is_authenticated and user.has_role(*PUBLISHERS))
