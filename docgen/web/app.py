"""App factory: middleware (size limit, signed session), the guard, error pages, the routes."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docgen.archive.attachments import max_bytes_setting
from docgen.archive.workspace import Workspace
from docgen.errors import DocgenError, NotFoundError
from docgen.web.security import (
    THROTTLE_FILE,
    Forbidden,
    LoginRequired,
    LoginThrottle,
    TooManyAttempts,
    guard,
    session_secret,
    template_globals,
)

HERE = Path(__file__).parent
log = logging.getLogger("docgen.web")
SESSION_MAX_AGE_S = 10 * 3600  # one working day
UPLOAD_SLACK = 1024 * 1024  # form fields and multipart framing around an upload


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413) before they are spooled anywhere."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _BodyTooLarge:
            await _too_large(send, self.limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = f"上传内容过大（上限 {limit // (1024 * 1024)} MB）".encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(ws: Workspace, *, max_upload: int | None = None) -> FastAPI:
    from docgen.web import pages, reports

    app = FastAPI(
        title="docgen 网页版 API",
        description="信访积案文书工具的 JSON 接口（与网页同一权限；需先登录）",
        dependencies=[Depends(guard)],
        docs_url=None,  # Swagger UI would load its scripts from the internet
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.ws = ws
    app.state.throttle = LoginThrottle(path=Path(ws.root) / THROTTLE_FILE)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(pages.router)
    app.include_router(reports.router)

    def page(request: Request, status: int, title: str, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        return render(request, "error.html", {"title": title, "message": message}, status)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        if wants_json(request):
            return JSONResponse({"error": "请先登录"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return page(request, 403, "无权操作", exc.message)

    @app.exception_handler(TooManyAttempts)
    async def _throttled(request: Request, exc: TooManyAttempts) -> Response:
        minutes = max(1, round(exc.wait_s / 60))
        return page(request, 429, "登录尝试过多", f"登录失败次数过多，请约 {minutes} 分钟后再试")

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return page(request, 404, "未找到", exc.message)

    @app.exception_handler(DocgenError)
    async def _refused(request: Request, exc: DocgenError) -> Response:
        return page(request, 400, "操作未完成", exc.message)

    @app.exception_handler(OSError)
    async def _os_error(request: Request, exc: OSError) -> Response:
        return page(
            request, 500, "操作未完成", f"文件操作失败：{exc.strerror or type(exc).__name__}"
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("网页请求出错：%s %s（%s）", request.method, request.url.path, type(exc).__name__)
        return page(request, 500, "系统错误", "处理请求时出错，请稍后重试或联系管理员")

    @app.exception_handler(404)
    async def _no_route(request: Request, _exc: Exception) -> Response:
        return page(request, 404, "未找到", "没有这个页面")

    limit = (max_upload if max_upload is not None else max_bytes_setting()) + UPLOAD_SLACK
    app.add_middleware(SessionMiddleware, secret_key=session_secret(ws), session_cookie="docgen",
                       max_age=SESSION_MAX_AGE_S, same_site="lax", https_only=False)  # fmt: skip
    app.add_middleware(BodyLimit, limit=limit)
    return app


WORKSPACE_ENV = "DOCGEN_WEB_WORKSPACE"  # set by ``docgen serve --workers N`` for its workers


def app_from_env() -> FastAPI:
    """The app of one worker process of ``docgen serve --workers N`` (uvicorn's factory)."""
    import os

    return create_app(Workspace.open(Path(os.environ[WORKSPACE_ENV])))


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, name, {**template_globals(request), **context}, status_code=status
    )
