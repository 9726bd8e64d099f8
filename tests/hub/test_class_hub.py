"""Issues 12 and 19: a class of five on JupyterHub with share/jupyterhub/jupyterhub_config.py.

The hub (JupyterHub and FirstUseAuthenticator from PyPI, configurable-http-proxy from npm: `make
test` installs them) runs as root on free 127.0.0.1 ports in a temporary folder. Five students
get system accounts of their own (created here, removed at the end even on failure) and are the
hub's class list; each sets their own password at their first login, is started through the
REST API, logs in again through the login form to follow an nbgitpuller link to a bare clone
of this repository's HEAD, and run 02 and 05 cell by cell in kernels of their own servers, as
a browser tab would. Nobody logs in under another name, 'root' or 'admin'; code in student A's
kernel gets PermissionError reading student B's notebooks, the hub's database, its cookie
secret and its environment. Thresholds: every spawn under 30 s, no error in any notebook, and
under 450 MB PSS per student (their server and one open notebook's kernel). The figures are
printed and written to build/hub-figures.txt, and every process is stopped by its PID.
"""

from __future__ import annotations

import html
import json
import os
import pwd
import re
import runpy
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import sysconfig
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

import pytest
import requests
import websocket

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "share" / "jupyterhub" / "jupyterhub_config.py"
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
FIGURES = ROOT / "build" / "hub-figures.txt"
LETTERS = "abcde"
"""One student per letter: A and B are the first two."""
NOTEBOOKS = ["02_forward_pass", "05_weight_updates"]
SPAWN_LIMIT_S = 30.0
PSS_LIMIT_MB = 450.0
SERVICE_SCOPES = ["admin:users", "admin:servers", "tokens", "list:users"]

OVERLAY = """\
# The class test's settings on top of the shared config: free ports, a Python every student's
# account can run, and a service whose token drives the REST API.
import os
load_subconfig({config!r})
c.JupyterHub.bind_url = "http://127.0.0.1:{public}"
c.JupyterHub.hub_port = {hub}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api}"
c.LocalAuthenticator.create_system_users = False  # the test creates the accounts itself
c.Spawner.cmd = [{python!r}, "-m", "jupyterhub.singleuser"]
# nbgitpuller clones the bare repository, which root owns, into each student's home: git
# wants it named as a safe directory (a URL on the internet needs none of this).
c.Spawner.environment["GIT_CONFIG_GLOBAL"] = {gitconfig!r}
c.JupyterHub.services = [
    {{"name": "class-test", "api_token": os.environ["CLASS_TEST_SERVICE_TOKEN"]}},
]
c.JupyterHub.load_roles = [
    {{"name": "class-test", "services": ["class-test"], "scopes": {scopes!r}}},
]
"""


def missing_tools() -> list[str]:
    """What the hub needs that is not installed here (`make test` installs all of it)."""
    import importlib.util

    missing = [f"the Python package {name} (pip install -e '.[hub]')"
               for name in ("jupyterhub", "nbgitpuller")
               if importlib.util.find_spec(name) is None]
    if not PROXY.exists():
        missing.append(f"{PROXY.relative_to(ROOT)} (npm ci)")
    if shutil.which("git") is None:
        missing.append("git")
    return missing


def free_ports(count: int) -> list[int]:
    """``count`` different TCP ports on 127.0.0.1 that nothing listens on now."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


# ----- processes, by PID ----------------------------------------------------------------------
def children_of() -> dict[int, list[int]]:
    """Each running process's children, read from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return children


def descendants(pid: int) -> list[int]:
    """Every process started by ``pid``, its children's children included."""
    tree, found, todo = children_of(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` is a process that has not ended (a zombie has)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}


def cpu_s(pid: int) -> float:
    """The CPU time a process has used so far (user + system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pss_mb(pids: list[int]) -> float:
    """The processes' proportional set size together, in MB (2**20 bytes), from smaps_rollup."""
    total_kb = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except FileNotFoundError:  # it ended after it was listed (a git run, say)
            continue
        total_kb += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE).group(1))
    return total_kb / 1024


# ----- the hub --------------------------------------------------------------------------------
@dataclass
class Hub:
    """A running JupyterHub: its public URL, the service token, its process, folder and log."""

    url: str
    token: str
    folder: Path
    process: subprocess.Popen
    log: Path
    seen: set[int] = field(default_factory=set)

    def api(self, method: str, path: str, token: str | None = None, **kwargs: object) -> object:
        """Call the hub's REST API (with the service token unless another is given)."""
        response = requests.request(method, f"{self.url}/hub/api{path}", timeout=60,
                                    headers={"Authorization": f"token {token or self.token}"},
                                    **kwargs)
        assert response.status_code < 400, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    def note_processes(self) -> None:
        """Remember every process the hub started so far (proxy, servers, kernels, git)."""
        self.seen.update(descendants(self.process.pid))

    def tail(self) -> str:
        """The end of the hub's log, for a failure message."""
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def stop(self) -> tuple[float, list[int]]:
        """SIGTERM the hub's PID and wait; (seconds taken, PIDs of the hub's that survived).

        The hub stops the proxy and the servers, and each server its kernels. Whatever is still
        running 30 s later is killed by its own PID and reported.
        """
        self.note_processes()
        start = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in self.seen) and time.monotonic() < deadline:
            time.sleep(0.2)
        took = time.monotonic() - start
        survivors = sorted(pid for pid in self.seen if alive(pid))
        for pid in survivors:
            os.kill(pid, signal.SIGKILL)
        return took, survivors


def start_hub(folder: Path, python: str, students: list[str]) -> Hub:
    """JupyterHub with the shared config on free 127.0.0.1 ports, its files in ``folder`` and
    ``students`` its class list; the students' servers run ``python`` with the git config
    beside ``folder``."""
    public, hub_port, api = free_ports(3)
    overlay = folder / "class_test_config.py"
    overlay.write_text(OVERLAY.format(config=str(CONFIG), public=public, hub=hub_port, api=api,
                                      python=python, scopes=SERVICE_SCOPES,
                                      gitconfig=str(folder.parent / "gitconfig")))
    token = secrets.token_hex(32)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("BPKIT_HUB_")}
    env.update({"CLASS_TEST_SERVICE_TOKEN": token, "BPKIT_HUB_STUDENTS": " ".join(students)})
    log = folder / "hub.log"
    with open(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(overlay)],
                                   cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)
    hub = Hub(f"http://127.0.0.1:{public}", token, folder, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the hub exited early:\n{hub.tail()}")
        try:
            hub.api("GET", "/")
            return hub
        except (OSError, AssertionError):  # not answering yet (requests' errors are OSErrors)
            time.sleep(0.3)
    hub.stop()
    raise RuntimeError(f"the hub did not answer within 60 s:\n{hub.tail()}")


def bare_clone(folder: Path) -> Path:
    """A bare clone of this repository's HEAD with it as branch main, as a hub would pull."""
    bare = folder / "bpkit.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(ROOT), str(bare)], check=True)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    subprocess.run(["git", "--git-dir", str(bare), "update-ref", "refs/heads/main", head],
                   check=True)
    return bare


# ----- system accounts, and a Python they can run -----------------------------------------------
def sbin(command: str) -> str:
    """The path of a system command (runuser, useradd, userdel), which may be off PATH."""
    found = shutil.which(command, path=os.pathsep.join(
        [os.environ.get("PATH", ""), "/usr/sbin", "/sbin", "/usr/bin"]))
    if found is None:
        pytest.fail(f"{command} is not installed (the class test creates system accounts)")
    return found


def as_user(name: str, *command: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``command`` in the system account ``name`` (runuser, as root), capturing its output."""
    return subprocess.run([sbin("runuser"), "-u", name, "--", *command], capture_output=True,
                          text=True, timeout=timeout, env={"PATH": "/usr/bin:/bin", "HOME": "/"})


def create_accounts(names: list[str], homes: Path) -> None:
    """One ordinary system account per name, its home in ``homes`` (mode as useradd makes it)."""
    for name in names:
        subprocess.run([sbin("useradd"), "--create-home", "--home-dir", str(homes / name),
                        "--shell", "/usr/sbin/nologin", "--user-group", name],
                       check=True, capture_output=True, text=True)


def remove_accounts(names: list[str]) -> list[str]:
    """Remove the accounts ``create_accounts`` made, homes included; the ones that remain."""
    for name in names:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        subprocess.run([sbin("userdel"), "--remove", name], capture_output=True, text=True)
    remaining = []
    for name in names:
        try:
            pwd.getpwnam(name)
            remaining.append(name)
        except KeyError:
            pass
    return remaining


SERVER_IMPORTS = "import bpkit, jupyterhub, nbgitpuller"


def open_to_all(path: Path) -> bool:
    """Whether every account may reach ``path``: each folder above it lets others pass."""
    return all(folder.stat().st_mode & 0o001 for folder in Path(os.path.realpath(path)).parents)


def python_for_students(folder: Path, student: str) -> str:
    """A Python with bpkit and the hub extra that ``student``'s account can run.

    The hub's own (``sys.executable``) when the account can run it. Otherwise (a Python under
    /root, as pyenv installs it) a bridge in ``folder``: the system's Python of the same
    version, as a venv whose site-packages are this environment's.
    """
    if open_to_all(Path(sys.executable)) and open_to_all(Path(sysconfig.get_paths()["purelib"])):
        return sys.executable
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    system = Path(f"/usr/bin/python{version}")
    if not system.exists():
        pytest.fail(f"the students' accounts cannot run {sys.executable} (a folder on its path "
                    f"is closed to them) and there is no {system} to use instead: install "
                    "the project where every account can read it, such as /opt")
    bridge = folder / "python"
    (bridge / "bin").mkdir(parents=True)
    (bridge / "bin" / "python").symlink_to(system)
    (bridge / "pyvenv.cfg").write_text(f"home = {system.parent}\n"
                                       "include-system-site-packages = false\n"
                                       f"version = {version}\n")
    site = bridge / "lib" / f"python{version}" / "site-packages"
    site.mkdir(parents=True)
    purelib = sysconfig.get_paths()["purelib"]
    (site / "bpkit_hub_bridge.pth").write_text(f"import site; site.addsitedir({purelib!r})\n")
    for shared in ("share", "etc"):  # JupyterLab's assets, Voila's templates, extension config
        if (Path(sys.prefix) / shared).exists():
            (bridge / shared).symlink_to(Path(sys.prefix) / shared)
    for path in [bridge, *bridge.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    done = as_user(student, str(bridge / "bin" / "python"), "-c", SERVER_IMPORTS)
    if done.returncode != 0:
        pytest.fail(f"the students' accounts can run neither {sys.executable} nor "
                    f"{system} with this environment's packages:\n{done.stderr[-2000:]}")
    return str(bridge / "bin" / "python")


# ----- one student ----------------------------------------------------------------------------
@dataclass
class Student:
    """A simulated student: their name, API token, home, and what was measured for them."""

    name: str
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    token: str = ""
    home: Path = Path()
    spawn_s: float = 0.0
    spawn_cpu_s: float = 0.0
    server_pid: int = 0
    pull_s: float = 0.0
    run_s: dict[str, float] = field(default_factory=dict)
    cells: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    pss: dict[str, float] = field(default_factory=dict)
    server_pss: dict[str, float] = field(default_factory=dict)

    def session(self) -> requests.Session:
        """An HTTP session that authenticates as this student."""
        session = requests.Session()
        session.headers["Authorization"] = f"token {self.token}"
        return session


def spawn(hub: Hub, student: Student) -> None:
    """Start the student's server through the REST API and time it until the hub says ready."""
    start = time.monotonic()
    hub.api("POST", f"/users/{student.name}/server")
    while True:
        model = hub.api("GET", f"/users/{student.name}")
        server = model["servers"].get("", {})
        if server.get("ready"):
            student.spawn_s = time.monotonic() - start
            student.server_pid = server["state"]["pid"]
            student.spawn_cpu_s = cpu_s(student.server_pid)
            return
        assert time.monotonic() - start < 2 * SPAWN_LIMIT_S, f"{student.name} never became ready"
        time.sleep(0.1)


def body_data(page: str) -> dict[str, str]:
    """The data-* attributes of nbgitpuller's page body, decoded as its script decodes them."""
    body = re.search(r"<body([^>]*)>", page, re.DOTALL).group(1)
    return {key: unquote(html.unescape(value))
            for key, value in re.findall(r'data-([\w-]+)="([^"]*)"', body)}


def form_field(page: str, name: str) -> str:
    """The value of a hidden input of a form, such as the login page's _xsrf."""
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


def log_in(hub: Hub, name: str, password: str,
           url: str | None = None) -> tuple[requests.Session, requests.Response]:
    """Post the hub's login form (reached from ``url``) as a browser does: the browser (with the
    hub's login cookie only when it was accepted) and the page it ended on. Without ``url``
    the redirect after the login is not followed (it would start the student's server)."""
    browser = requests.Session()
    login = browser.get(url or f"{hub.url}/hub/login", timeout=60)
    assert urlsplit(login.url).path == "/hub/login", login.url
    page = browser.post(login.url, timeout=60, allow_redirects=url is not None, data={
        "_xsrf": form_field(login.text, "_xsrf"), "username": name, "password": password})
    return browser, page


def logged_in(browser: requests.Session) -> bool:
    """Whether the hub accepted the login: its login cookie is set."""
    return any(cookie.name == "jupyterhub-hub-login" for cookie in browser.cookies)


def first_login(hub: Hub, student: Student) -> None:
    """The student's first login, which sets their password (a short one is refused)."""
    browser, page = log_in(hub, student.name, "too short")
    assert not logged_in(browser) and "Password too short" in page.text, page.url
    browser, page = log_in(hub, student.name, student.password)
    assert logged_in(browser), f"{student.name}'s first login failed: {page.url}"


def nobody_else(hub: Hub, first: Student, second: Student) -> None:
    """Student B's password opens no other door: not A's account (in any case), not 'root' or
    'admin' or a name off the class list, and a wrong password not A's either."""
    for name, password in [(first.name, second.password), (first.name.upper(), second.password),
                           (first.name, "not " + first.password), ("root", second.password),
                           ("admin", second.password), (f"{first.name}x", second.password)]:
        browser, page = log_in(hub, name, password)
        assert not logged_in(browser), f"{name!r} logged in with someone else's password"
        assert "Invalid username or password" in page.text, (name, page.url)
    assert "root" not in {user["name"] for user in hub.api("GET", "/users")}


def pull(hub: Hub, student: Student, link: str) -> None:
    """Click the nbgitpuller link as the student's browser does: log in with their own password,
    let nbgitpuller's page pull the notebooks, then open the page it leads to."""
    start = time.monotonic()
    browser, page = log_in(hub, student.name, student.password, link)
    assert logged_in(browser), f"{student.name} could not log in: {page.url}"
    assert page.status_code == 200, f"{page.url}: {page.status_code}"
    assert urlsplit(page.url).path == f"/user/{student.name}/git-pull", page.url
    data = body_data(page.text)
    params = {"_xsrf": data["xsrf"], "repo": data["repo"], "targetpath": data["targetpath"],
              "branch": data["branch"]}
    api = f"{hub.url}{data['base-url']}git-pull/api?{urlencode(params)}"
    events = []
    with browser.get(api, stream=True, timeout=120) as stream:
        for line in stream.iter_lines(decode_unicode=True):
            if line and line.startswith("data: "):
                events.append(json.loads(line[len("data: "):]))
                if events[-1].get("phase") in {"finished", "error"}:
                    break
    assert events and events[-1]["phase"] == "finished", f"{student.name}: {events[-1:]}"
    landing = browser.get(f"{hub.url}{data['base-url']}{data['path']}", timeout=60)
    assert landing.status_code == 200, f"{landing.url}: {landing.status_code}"
    assert urlsplit(landing.url).path == (f"/user/{student.name}/lab/tree/bpkit/notebooks/"
                                          f"{NOTEBOOKS[0]}.ipynb"), landing.url
    student.pull_s = time.monotonic() - start


def code_cells(path: Path) -> list[str]:
    """The code cells of a notebook, in order."""
    cells = json.loads(path.read_text())["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def kernel_message(frame: str | bytes) -> dict:
    """A message from the kernel's websocket: JSON text, or a binary frame (a message with
    buffers, such as a widget's) whose first part after the offset table is the JSON."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = struct.unpack("!I", frame[:4])[0]
    offsets = struct.unpack(f"!{count}I", frame[4:4 + 4 * count])
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0]:end].decode("utf-8"))


def execute(channel: websocket.WebSocket, code: str, session_id: str) -> list[str]:
    """Run one cell over the kernel's websocket; the errors and stderr text it produced."""
    msg_id = uuid.uuid4().hex
    channel.send(json.dumps({
        "channel": "shell", "buffers": [], "parent_header": {}, "metadata": {},
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session_id,
                   "username": "student", "version": "5.3",
                   "date": datetime.now(timezone.utc).isoformat()},
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))
    problems, idle, replied = [], False, False
    while not (idle and replied):
        message = kernel_message(channel.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["header"]["msg_type"], message["content"]
        if kind == "error":
            problems.append(f"{content['ename']}: {content['evalue']}")
        elif kind == "stream" and content["name"] == "stderr":
            problems.append(f"stderr: {content['text'].strip()}")
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
        elif kind == "execute_reply":
            replied = True
            if content["status"] != "ok" and not problems:
                problems.append(f"execute_reply status {content['status']}")
    return problems


def run_notebook(hub: Hub, student: Student, stem: str) -> None:
    """Open the student's copy of a notebook (a session starts its kernel), run every code cell
    as Run All does, measure the server and the kernel, then close it."""
    session, base = student.session(), f"{hub.url}/user/{student.name}"
    path = f"bpkit/notebooks/{stem}.ipynb"
    start = time.monotonic()
    opened = session.post(f"{base}/api/sessions", timeout=60, json={
        "path": path, "name": f"{stem}.ipynb", "type": "notebook", "kernel": {"name": "python3"}})
    assert opened.status_code == 201, opened.text
    model = opened.json()
    channel = websocket.create_connection(
        f"ws{base[4:]}/api/kernels/{model['kernel']['id']}/channels?session_id={model['id']}",
        header=[f"Authorization: token {student.token}"], timeout=180)
    try:
        cells = code_cells(student.home / path)
        assert cells, f"{path} has no code cells"
        for number, code in enumerate(cells, start=1):
            found = execute(channel, code, model["id"])
            if found:
                student.problems += [f"{stem} cell {number}: {text}" for text in found]
                break
            student.cells[stem] = number
        assert student.cells.get(stem) == len(cells) or student.problems
        student.run_s[stem] = time.monotonic() - start
        student.server_pss[stem] = pss_mb([student.server_pid])
        student.pss[stem] = pss_mb([student.server_pid, *descendants(student.server_pid)])
        hub.note_processes()
    finally:
        channel.close()
        session.delete(f"{base}/api/sessions/{model['id']}", timeout=60)


def lecture_view(hub: Hub, student: Student) -> float:
    """Open a notebook in the lecture view inside the student's own server (Voila with the
    bpkit-lecture template, found through the config's JUPYTER_PATH); seconds it took."""
    session, base = student.session(), f"{hub.url}/user/{student.name}"
    start = time.monotonic()
    page = session.get(f"{base}/voila/render/bpkit/notebooks/{NOTEBOOKS[-1]}.ipynb",
                       params={"template": "bpkit-lecture"}, timeout=120)
    took = time.monotonic() - start
    assert page.status_code == 200, f"{page.url}: {page.status_code}"
    assert "voila/templates/bpkit-lecture/static/fontawesome/" in page.text
    for failure in ("There was an error when executing cell", "application/vnd.jupyter.stderr"):
        assert failure not in page.text, f"the lecture view shows {failure!r}"
    hub.note_processes()
    for kernel in session.get(f"{base}/api/kernels", timeout=60).json():
        session.delete(f"{base}/api/kernels/{kernel['id']}", timeout=60)
    return took


PROBE = """
import json, os
me = os.geteuid()
assert me == {uid}, f"the kernel runs as uid {{me}}, not the student's {uid}"
open({own!r}, "rb").close()  # the kernel reads its own student's notebooks
found = {{}}
for label, path in {targets!r}.items():
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").read(1)
        found[label] = "read"
    except Exception as error:
        found[label] = type(error).__name__
readable = {{label: what for label, what in found.items() if what != "PermissionError"}}
assert not readable, f"not refused with PermissionError: {{readable}}"
"""


def isolation(hub: Hub, first: Student, second: Student) -> list[str]:
    """Run code in ``first``'s kernel that reads ``second``'s notebooks and home, the hub's
    database, cookie secret and environment; the problems (each read must be refused with
    PermissionError)."""
    session, base = first.session(), f"{hub.url}/user/{first.name}"
    notebook = f"bpkit/notebooks/{NOTEBOOKS[0]}.ipynb"
    targets = {"B's notebook": str(second.home / notebook), "B's home": str(second.home),
               "the hub's database": str(hub.folder / "jupyterhub.sqlite"),
               "the hub's cookie secret": str(hub.folder / "jupyterhub_cookie_secret"),
               "the students' password hashes": str(min(hub.folder.glob("passwords.dbm*"))),
               "the hub's environment": f"/proc/{hub.process.pid}/environ"}
    for label, path in targets.items():  # each is there for root, so a refusal means something
        assert Path(path).exists(), f"{label} is not at {path}"
    code = PROBE.format(uid=pwd.getpwnam(first.name).pw_uid, own=str(first.home / notebook),
                        targets=targets)
    kernel = session.post(f"{base}/api/kernels", json={"name": "python3"}, timeout=60)
    assert kernel.status_code == 201, kernel.text
    kernel_id = kernel.json()["id"]
    channel = websocket.create_connection(f"ws{base[4:]}/api/kernels/{kernel_id}/channels",
                                          header=[f"Authorization: token {first.token}"],
                                          timeout=180)
    try:
        return execute(channel, code, uuid.uuid4().hex)
    finally:
        channel.close()
        session.delete(f"{base}/api/kernels/{kernel_id}", timeout=60)


# ----- the class ------------------------------------------------------------------------------
@dataclass
class Place:
    """Where the class lives: a folder every account may enter, holding the hub's folder, the
    students' homes and the bare clone; and the students, whose system accounts exist."""

    folder: Path
    students: list[Student]
    python: str


@pytest.fixture
def place() -> Iterator[Place]:
    """The students' system accounts and their folder, removed afterwards even on failure;
    skipped (failed under CI) when the hub's tools are not installed or this is not root."""
    missing = missing_tools()
    if os.geteuid() != 0:
        missing.append("root (the hub starts each server in the student's own account)")
    if missing:
        message = "the JupyterHub class test needs " + ", ".join(missing) + " (run `make test`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="bpkit-hub-"))
    folder.chmod(0o755)  # any account may pass through; each file's mode protects it
    for part in ("hub", "homes"):
        (folder / part).mkdir(mode=0o755)
    (folder / "gitconfig").write_text(f"[safe]\n\tdirectory = {folder / 'bpkit.git'}\n")
    run = secrets.token_hex(2)  # concurrent runs on one machine do not share accounts
    students = [Student(f"bpkit-test-{run}-{letter}") for letter in LETTERS]
    names = [student.name for student in students]
    try:
        create_accounts(names, folder / "homes")
        for student in students:
            student.home = Path(pwd.getpwnam(student.name).pw_dir)
        yield Place(folder, students, python_for_students(folder, names[0]))
    finally:
        remaining = remove_accounts(names)
        shutil.rmtree(folder, ignore_errors=True)
        assert not remaining, f"system accounts left behind: {remaining}"


@pytest.fixture
def hub(place: Place) -> Iterator[Hub]:
    """A running hub, in the place's hub folder."""
    running = start_hub(place.folder / "hub", place.python,
                        [student.name for student in place.students])
    try:
        yield running
    finally:
        running.stop()


def in_parallel(students: list[Student], work: Callable[[Student], None]) -> None:
    """Do ``work`` for every student at once, as a class does; re-raise the first failure."""
    with ThreadPoolExecutor(len(students)) as pool:
        for result in [pool.submit(work, student) for student in students]:
            result.result()


def figures(students: list[Student], hub_mb: float, lecture_s: float, stop_s: float,
            total_s: float) -> str:
    """The measured figures as a short table."""
    lines = [f"JupyterHub class test: {len(students)} students, spawned together, "
             f"notebooks {', '.join(NOTEBOOKS)} (measured {time.strftime('%Y-%m-%d')}, "
             f"{os.cpu_count()} cores)",
             "student              | spawn s | its CPU s | pull s | "
             + " | ".join(f"{s[:2]} run s" for s in NOTEBOOKS) + " | "
             + " | ".join(f"PSS with {s[:2]} open MB" for s in NOTEBOOKS)]
    for student in students:
        lines.append(f"{student.name:20} | {student.spawn_s:7.1f} | {student.spawn_cpu_s:9.1f} | "
                     f"{student.pull_s:6.1f} | "
                     + " | ".join(f"{student.run_s[s]:8.1f}" for s in NOTEBOOKS) + " | "
                     + " | ".join(f"{student.pss[s]:20.0f}" for s in NOTEBOOKS))
    worst, stem = max(((s, n) for s in students for n in NOTEBOOKS),
                      key=lambda pair: pair[0].pss[pair[1]])
    server = worst.server_pss[stem]
    lines += [f"slowest spawn {max(s.spawn_s for s in students):.1f} s "
              f"(limit {SPAWN_LIMIT_S:g} s); largest PSS per student with one notebook open "
              f"{worst.pss[stem]:.0f} MB (limit {PSS_LIMIT_MB:g} MB): {worst.name}'s server "
              f"{server:.0f} MB + the {stem[:2]} kernel {worst.pss[stem] - server:.0f} MB",
              f"hub + proxy PSS {hub_mb:.0f} MB",
              f"{NOTEBOOKS[-1]} in the lecture view (Voila, bpkit-lecture) rendered in "
              f"{lecture_s:.1f} s",
              f"stopping the hub by its PID took {stop_s:.1f} s; whole class test {total_s:.1f} s"]
    return "\n".join(lines)


def test_a_class_of_five_on_jupyterhub(hub: Hub, place: Place, capsys: pytest.CaptureFixture,
                                       record_property: Callable[[str, object], None]) -> None:
    started = time.monotonic()
    students = place.students
    first, second = students[:2]
    bare = bare_clone(place.folder)
    try:
        for student in students:
            first_login(hub, student)
        for student in students:
            student.token = hub.api("POST", f"/users/{student.name}/tokens",
                                    json={"note": "class test", "expires_in": 3600})["token"]
        nobody_else(hub, first, second)
        in_parallel(students, lambda student: spawn(hub, student))
        hub.note_processes()
        link = f"{hub.url}/hub/user-redirect/git-pull?" + urlencode({
            "repo": bare.as_uri(), "branch": "main", "targetpath": "bpkit",
            "urlpath": f"lab/tree/bpkit/notebooks/{NOTEBOOKS[0]}.ipynb"})
        in_parallel(students, lambda student: pull(hub, student, link))
        in_parallel(students, lambda student: [run_notebook(hub, student, stem)
                                               for stem in NOTEBOOKS])
        lecture_s = lecture_view(hub, students[0])
        homes = {student.name: oct(student.home.stat().st_mode & 0o777) for student in students}
        assert set(homes.values()) == {"0o700"}, f"homes not for their owner only: {homes}"
        leaks = isolation(hub, first, second)
        assert leaks == [], f"{first.name}'s kernel: {leaks}"
        hub_mb = pss_mb([pid for pid in [hub.process.pid, *descendants(hub.process.pid)]
                         if pid not in {p for s in students
                                        for p in [s.server_pid, *descendants(s.server_pid)]}])
    except Exception as error:
        raise AssertionError(f"{error}\n--- hub log ---\n{hub.tail()}") from error
    finally:
        stop_s, survivors = hub.stop()
    assert not survivors, f"processes left after stopping the hub (killed now): {survivors}"

    table = figures(students, hub_mb, lecture_s, stop_s, time.monotonic() - started)
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(table + "\n")
    record_property("hub_figures", table)
    with capsys.disabled():
        print(f"\n{table}\n(also in {FIGURES.relative_to(ROOT)})")

    for student in students:
        assert student.problems == [], f"{student.name}: {student.problems}"
        assert student.spawn_s < SPAWN_LIMIT_S, f"{student.name} took {student.spawn_s:.1f} s"
        for stem, mb in student.pss.items():
            assert mb < PSS_LIMIT_MB, f"{student.name} with {stem} open: {mb:.0f} MB PSS"


# ----- the refusals, without a hub ---------------------------------------------------------------
def load_config(env: dict[str, str]) -> str:
    """Load the shared config as JupyterHub does, with ``env`` in place of the hub settings;
    the message it stops with, or "" when it loads."""
    from traitlets.config import Config

    saved = {name: os.environ.pop(name, None)
             for name in ("BPKIT_HUB_PASSWORD", "BPKIT_HUB_ADMIN", "BPKIT_HUB_STUDENTS",
                          "BPKIT_HUB_TEST_MODE")}
    os.environ.update(env)
    umask = os.umask(0o022)
    try:
        runpy.run_path(str(CONFIG), init_globals={"get_config": Config})
        return ""
    except SystemExit as stop:
        return str(stop.code)
    finally:
        os.umask(umask)
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value


@pytest.mark.skipif(os.geteuid() != 0, reason="the refusals are those of a hub started as root")
def test_the_config_refuses_a_shared_password_as_root_outside_test_mode():
    pytest.importorskip("firstuseauthenticator")
    refusal = load_config({"BPKIT_HUB_PASSWORD": "a long class password"})
    assert refusal.startswith("Refusing to start as root with a shared password")
    assert "BPKIT_HUB_STUDENTS" in refusal and "password of their own" in refusal
    assert load_config({"BPKIT_HUB_PASSWORD": "a long class password",
                        "BPKIT_HUB_TEST_MODE": "1"}) == ""
    assert "Set BPKIT_HUB_STUDENTS to the class list" in load_config({})
    assert load_config({"BPKIT_HUB_STUDENTS": "alice bob"}) == ""
