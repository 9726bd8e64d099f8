"""JupyterHub for a bpkit class: the set-up that tests/hub/test_class_hub.py runs.

Install and start it from a clone of this repository (docs/classroom.md says more), as root, in
the folder that will hold the hub's database and cookie secret:

    pip install -e '.[hub]'   # bpkit, JupyterHub, FirstUseAuthenticator and nbgitpuller
    npm ci                    # configurable-http-proxy, pinned in package.json, into node_modules/
    BPKIT_HUB_STUDENTS='alice bob carol' BPKIT_HUB_ADMIN=teacher \
        jupyterhub -f share/jupyterhub/jupyterhub_config.py

Each student on the class list (BPKIT_HUB_STUDENTS; the admin, BPKIT_HUB_ADMIN, can add more at
/hub/admin) has an account of their own: their first login sets their password, and from then on
only that password opens it. Each student's Jupyter server runs in the system account of the
same name (which must exist), with a home only they can read. The notebooks reach them through
an nbgitpuller link, since `pip install` does not ship them. Lines marked ADAPT are the ones a
real class changes.

A one-password workshop (BPKIT_HUB_PASSWORD, every server in the hub's own account) is still
possible for an ordinary user on a machine you throw away afterwards; as root it is refused,
since every student's code would then run as root.
"""

import os
import pwd
import sys
from pathlib import Path

c = get_config()  # noqa: F821 -- traitlets provides it to config files

REPO = Path(__file__).resolve().parents[2]
"""The clone this file lives in: its node_modules/ holds the proxy, its share/ the template."""
AS_ROOT = os.geteuid() == 0
TEST_MODE = os.environ.get("BPKIT_HUB_TEST_MODE") == "1"
"""Set by tests/hub only: allows the shared password as root, and a hub with no class list."""

# ----- Where the hub listens ----------------------------------------------------------------
# ADAPT: a public address needs HTTPS, from a reverse proxy in front of the hub or from
# c.JupyterHub.ssl_cert and c.JupyterHub.ssl_key; passwords travel in the login form.
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = 8081
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:8001"
PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
if PROXY.exists():  # from `npm ci`; otherwise JupyterHub looks for the proxy on PATH
    c.ConfigurableHTTPProxy.command = [str(PROXY)]

# The files the hub writes in the folder it starts in (jupyterhub.sqlite, which holds every
# token, and jupyterhub_cookie_secret) are for its own account only: mode 0600. Students'
# servers inherit this umask too, so what they create is theirs alone.
os.umask(0o077)

# ----- Who may log in, and where their servers run ------------------------------------------
SHARED_PASSWORD = os.environ.get("BPKIT_HUB_PASSWORD")
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
# The students' servers run in the hub's own Python environment, where bpkit is installed.
# With one account per student, every student's account must be able to run it: install the
# clone somewhere all can read, such as /opt/bpkit (not under /root).
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]

if SHARED_PASSWORD is not None:
    # A one-off workshop: any name, one password; every server runs as the hub's own user,
    # so each student can read everyone's files and the hub's secrets.
    if AS_ROOT and not TEST_MODE:
        sys.exit("Refusing to start as root with a shared password (BPKIT_HUB_PASSWORD): anyone "
                 "with it could log in under any name, and every student's code would run as "
                 "root, able to read the hub's database, its cookie secret and everyone's "
                 "files. Unset BPKIT_HUB_PASSWORD and set BPKIT_HUB_STUDENTS to the class list "
                 "(and BPKIT_HUB_ADMIN to the teacher's account) instead: each student then "
                 "has a password of their own and a server in their own system account "
                 "(docs/classroom.md).")
    if len(SHARED_PASSWORD) < 8:
        sys.exit("Set BPKIT_HUB_PASSWORD to the class password (at least 8 characters) and "
                 "start the hub again.")
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = SHARED_PASSWORD
    c.Authenticator.allow_all = True
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.abspath("homes") + "/{username}"
    if AS_ROOT:  # test mode only; Jupyter refuses root unless told
        c.Spawner.args = ["--allow-root"]
else:
    if not AS_ROOT:
        sys.exit("Start the hub as root: it starts each student's server in that student's "
                 "own system account. (For a throwaway workshop as an ordinary user, set "
                 "BPKIT_HUB_PASSWORD to a shared class password instead.)")
    STUDENTS = sorted(set(os.environ.get("BPKIT_HUB_STUDENTS", "").replace(",", " ").split()))
    ADMIN = os.environ.get("BPKIT_HUB_ADMIN", "")
    if not (STUDENTS or ADMIN or TEST_MODE):
        sys.exit("Set BPKIT_HUB_STUDENTS to the class list (the students' account names on "
                 "this machine, separated by spaces), BPKIT_HUB_ADMIN to the teacher's account "
                 "(who can then add students at /hub/admin), or both. Nobody else may log in.")

    from firstuseauthenticator import FirstUseAuthenticator
    from firstuseauthenticator.firstuseauthenticator import CustomLoginHandler
    from jupyterhub.auth import LocalAuthenticator
    from jupyterhub.handlers.login import LoginHandler

    class ClassLoginHandler(CustomLoginHandler):
        """FirstUseAuthenticator's login page, able to show JupyterHub 6's error pages too."""

        def _render(self, login_error: object = None, username: object = None,
                    **kwargs: object) -> object:
            if self.custom_login_error:
                login_error = self.custom_login_error
            return LoginHandler._render(self, login_error, username, **kwargs)

    class ClassAuthenticator(LocalAuthenticator, FirstUseAuthenticator):
        """FirstUseAuthenticator's accounts, each tied to the system account of its name.

        A student's first login sets their password (bcrypt-hashed in passwords.dbm, mode 0600);
        later logins must match it. Only names the hub already knows may log in (the class list
        and what the admin adds); the system account must exist unless create_system_users is set.
        """

        def validate_username(self, username: str) -> bool:
            """Refuse the names of system accounts (root, daemon, nobody, ...).

            A student may only ever become an ordinary account (uid 1000 to 59999, as useradd
            gives them).
            """
            try:
                uid = pwd.getpwnam(username).pw_uid
            except KeyError:
                uid = None
            if uid is not None and not 1000 <= uid < 60000:
                return False
            return super().validate_username(username)

        def get_handlers(self, app: object) -> list:
            """FirstUseAuthenticator's pages, with the login page above."""
            return [(path, ClassLoginHandler if path == "/login" else handler)
                    for path, handler in super().get_handlers(app)]

    c.JupyterHub.authenticator_class = ClassAuthenticator
    c.Authenticator.username_pattern = r"^[a-z][a-z0-9_-]{0,31}$"  # what useradd accepts
    c.Authenticator.blocked_users = {"root", "admin", "administrator", "jupyter", "jupyterhub"}
    # ADAPT: the class list. Until a student first logs in, whoever logs in under their name
    # sets its password (as on The Littlest JupyterHub): have everyone log in in the first
    # lesson and check /hub/admin; a student who forgot theirs is deleted there and added again.
    c.Authenticator.allowed_users = set(STUDENTS)
    if ADMIN:  # ADAPT: the teacher; log in as them first, before anyone else can
        c.Authenticator.admin_users = {ADMIN}
    c.FirstUseAuthenticator.create_users = False  # a name the hub does not know is refused
    c.FirstUseAuthenticator.min_password_length = 10
    # ADAPT: set to True to let the hub create the system account of a listed student who has
    # none (adduser, as The Littlest JupyterHub does); off, the accounts must exist.
    c.LocalAuthenticator.create_system_users = False

    # Each server runs in the student's own account, started in their home directory.
    # ADAPT: cap each student's memory (docs/classroom.md measures about 250 MB with one
    # notebook open) with SystemdSpawner's mem_limit, or with DockerSpawner or KubeSpawner.
    c.JupyterHub.spawner_class = "localprocess"

    def home_for_owner_only(spawner: object) -> None:
        """Before each start: the student's home readable by its owner only (mode 0700)."""
        account = pwd.getpwnam(spawner.user.name)
        if os.path.isdir(account.pw_dir) and account.pw_dir != "/":
            os.chown(account.pw_dir, account.pw_uid, account.pw_gid)
            os.chmod(account.pw_dir, 0o700)

    c.Spawner.pre_spawn_hook = home_for_owner_only

# The lecture view's template (share/jupyter/voila/templates/bpkit-lecture), which `pip install`
# does not ship either: the servers find it in this clone. In a container image, point
# JUPYTER_PATH at a copy of share/jupyter instead, such as the one the nbgitpuller link puts in
# each home (bpkit/share/jupyter).
c.Spawner.environment = {"JUPYTER_PATH": str(REPO / "share" / "jupyter")}
