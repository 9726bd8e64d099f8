"""JupyterHub for a bpkit class: the set-up that tests/hub/test_class_hub.py runs.

Install and start it from a clone of this repository (docs/classroom.md says more):

    pip install -e '.[hub]'   # bpkit, JupyterHub and nbgitpuller, in one Python environment
    npm ci                    # configurable-http-proxy, pinned in package.json, into node_modules/
    BPKIT_HUB_PASSWORD='a class password' jupyterhub -f share/jupyterhub/jupyterhub_config.py

Each student logs in with a name of their choosing and the class password, and gets a Jupyter
server of their own. The notebooks reach them through an nbgitpuller link, since `pip install`
does not ship them. Lines marked ADAPT are the ones a real class changes.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 -- traitlets provides it to config files

REPO = Path(__file__).resolve().parents[2]
"""The clone this file lives in: its node_modules/ holds the proxy, its share/ the template."""

# ----- Where the hub listens ----------------------------------------------------------------
# ADAPT: a public address needs HTTPS, from a reverse proxy in front of the hub or from
# c.JupyterHub.ssl_cert and c.JupyterHub.ssl_key; the shared password travels in the login form.
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = 8081
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:8001"
PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
if PROXY.exists():  # from `npm ci`; otherwise JupyterHub looks for the proxy on PATH
    c.ConfigurableHTTPProxy.command = [str(PROXY)]

# ----- Who may log in -----------------------------------------------------------------------
# One password for the whole class (at least 8 characters), taken from the environment so it is
# in no file. Anyone with it may log in under any name, including a classmate's.
# ADAPT: for more than a workshop, use your institution's logins instead (the oauthenticator or
# ldapauthenticator packages) and list who may log in with c.Authenticator.allowed_users.
c.JupyterHub.authenticator_class = "shared-password"
PASSWORD = os.environ.get("BPKIT_HUB_PASSWORD", "")
if len(PASSWORD) < 8:
    sys.exit("Set BPKIT_HUB_PASSWORD to the class password (at least 8 characters) and start "
             "the hub again.")
c.SharedPasswordAuthenticator.user_password = PASSWORD
c.Authenticator.allow_all = True

# ----- Each student's server ----------------------------------------------------------------
# SimpleLocalProcessSpawner runs every student's server as the hub's own user, with a home
# folder under homes/ in the directory the hub was started in. Nothing keeps one student out of
# another's files, so it is for a test or a one-off workshop on a machine you can throw away.
# ADAPT: for a class, a spawner that isolates students and can cap their memory: DockerSpawner
# or KubeSpawner (Zero to JupyterHub) with an image that has bpkit installed with its hub extra
# (`pip install "bpkit[hub] @ git+<this repository>"`), or SystemdSpawner / LocalProcessSpawner
# with one system account per student. Give each student more than the memory measured in
# docs/classroom.md (250 MB with one notebook open), e.g. c.Spawner.mem_limit = "1G".
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.abspath("homes") + "/{username}"
c.Spawner.ip = "127.0.0.1"
# The students' servers run in the hub's own Python environment, where bpkit is installed.
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
if os.geteuid() == 0:  # containers and CI run as root; Jupyter refuses that unless told
    c.Spawner.args = ["--allow-root"]
# The lecture view's template (share/jupyter/voila/templates/bpkit-lecture), which `pip install`
# does not ship either: the servers find it in this clone. In a container image, point
# JUPYTER_PATH at a copy of share/jupyter instead, such as the one the nbgitpuller link puts in
# each home (bpkit/share/jupyter).
c.Spawner.environment = {"JUPYTER_PATH": str(REPO / "share" / "jupyter")}
