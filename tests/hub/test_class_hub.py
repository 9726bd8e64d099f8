"""Issue 12: a class of five on a real JupyterHub, with share/jupyterhub/jupyterhub_config.py.

The hub (JupyterHub from PyPI, configurable-http-proxy from npm: `make test` installs both) runs
on free 127.0.0.1 ports in a temporary folder. Five simulated students are created and spawned
through its REST API, get the notebooks through an nbgitpuller link to a bare clone of this
repository's HEAD, and run 02 and 05 cell by cell in kernels of their own servers, as a browser
tab would. Thresholds: every spawn under 30 s, no error in any notebook, and under 450 MB PSS
per student (their server and one open notebook's kernel). The figures are printed and written
to build/hub-figures.txt, and every process is stopped by its PID.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
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
STUDENTS = [f"student{i}" for i in range(1, 6)]
NOTEBOOKS = ["02_forward_pass", "05_weight_updates"]
SPAWN_LIMIT_S = 30.0
PSS_LIMIT_MB = 450.0
SERVICE_SCOPES = ["admin:users", "admin:servers", "tokens", "list:users"]

OVERLAY = """\
# The class test's settings on top of the shared config: free ports, a temporary folder,
# and a service whose token drives the REST API.
import os
load_subconfig({config!r})
c.JupyterHub.bind_url = "http://127.0.0.1:{public}"
c.JupyterHub.hub_port = {hub}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api}"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
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
    """A running JupyterHub: its public URL, the service token, its process and its log."""

    url: str
    token: str
    password: str
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


def start_hub(folder: Path) -> Hub:
    """JupyterHub with the shared config on free 127.0.0.1 ports, its files in ``folder``."""
    public, hub_port, api = free_ports(3)
    overlay = folder / "class_test_config.py"
    overlay.write_text(OVERLAY.format(config=str(CONFIG), public=public, hub=hub_port, api=api,
                                      homes=str(folder / "homes"), scopes=SERVICE_SCOPES))
    token, password = secrets.token_hex(32), secrets.token_urlsafe(12)
    env = {**os.environ, "CLASS_TEST_SERVICE_TOKEN": token, "BPKIT_HUB_PASSWORD": password}
    log = folder / "hub.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(overlay)],
                                   cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)
    hub = Hub(f"http://127.0.0.1:{public}", token, password, process, log)
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


# ----- one student ----------------------------------------------------------------------------
@dataclass
class Student:
    """A simulated student: their name, API token, home, and what was measured for them."""

    name: str
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


def pull(hub: Hub, student: Student, link: str) -> None:
    """Click the nbgitpuller link as the student's browser does: log in with the class password,
    let nbgitpuller's page pull the notebooks, then open the page it leads to."""
    browser, start = requests.Session(), time.monotonic()
    login = browser.get(link, timeout=60)
    assert urlsplit(login.url).path == "/hub/login", login.url
    form = {"username": student.name, "_xsrf": form_field(login.text, "_xsrf")}
    refused = browser.post(login.url, data={**form, "password": "not the class password"},
                           timeout=60)
    assert refused.status_code == 403, f"a wrong password gave {refused.status_code}"
    page = browser.post(login.url, data={**form, "password": hub.password}, timeout=60)
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


# ----- the class ------------------------------------------------------------------------------
@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    """A running hub; skipped (failed under CI) when its tools are not installed."""
    missing = missing_tools()
    if missing:
        message = "the JupyterHub class test needs " + ", ".join(missing) + " (run `make test`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    (tmp_path / "homes").mkdir()
    running = start_hub(tmp_path)
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
             "student   | spawn s | its CPU s | pull s | "
             + " | ".join(f"{s[:2]} run s" for s in NOTEBOOKS) + " | "
             + " | ".join(f"PSS with {s[:2]} open MB" for s in NOTEBOOKS)]
    for student in students:
        lines.append(f"{student.name:9} | {student.spawn_s:7.1f} | {student.spawn_cpu_s:9.1f} | "
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


def test_a_class_of_five_on_jupyterhub(hub: Hub, tmp_path: Path, capsys: pytest.CaptureFixture,
                                       record_property: Callable[[str, object], None]) -> None:
    started = time.monotonic()
    students = [Student(name) for name in STUDENTS]
    bare = bare_clone(tmp_path)
    hub.api("POST", "/users", json={"usernames": STUDENTS})
    for student in students:
        student.token = hub.api("POST", f"/users/{student.name}/tokens",
                                json={"note": "class test", "expires_in": 3600})["token"]
        student.home = tmp_path / "homes" / student.name
    try:
        in_parallel(students, lambda student: spawn(hub, student))
        hub.note_processes()
        link = f"{hub.url}/hub/user-redirect/git-pull?" + urlencode({
            "repo": bare.as_uri(), "branch": "main", "targetpath": "bpkit",
            "urlpath": f"lab/tree/bpkit/notebooks/{NOTEBOOKS[0]}.ipynb"})
        in_parallel(students, lambda student: pull(hub, student, link))
        in_parallel(students, lambda student: [run_notebook(hub, student, stem)
                                               for stem in NOTEBOOKS])
        lecture_s = lecture_view(hub, students[0])
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
