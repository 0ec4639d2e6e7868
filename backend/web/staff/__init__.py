"""The staff web: the back office in a browser. Pages live under /staff; each module owns
one concern and adds its routes to `router`.

For other staff pages: `require_staff(role...)` guards a page (and checks the CSRF token on
POST), `render(request, "staff/....html", context, who=who)` draws it in the layout, and a
router made with `route_class=StaffRoute` shows failures as pages."""

from fastapi import APIRouter

from backend.web.staff import admin, admin_devices, admin_users, auth, dashboard, worklist
from backend.web.staff.layout import StaffRoute, render
from backend.web.staff.session import check_csrf, form_data, require_staff

router = APIRouter()
router.include_router(auth.router)
router.include_router(worklist.router)
router.include_router(dashboard.router)
router.include_router(admin.router)
router.include_router(admin_users.router)
router.include_router(admin_devices.router)

__all__ = ["StaffRoute", "check_csrf", "form_data", "render", "require_staff", "router"]
