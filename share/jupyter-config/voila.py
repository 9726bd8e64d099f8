"""Voila settings for `make present` (found through JUPYTER_CONFIG_PATH=share/jupyter-config).

A lecture reloads and closes pages many times; each page view starts a kernel, so each must end
with its page:

- The page asks Voila to shut its kernel down when it closes, sending the ``_xsrf`` cookie as
  the XSRF check wants; Voila's page handler never sets that cookie, so the request was refused
  and every reload left a kernel behind. The hook below sets the cookie on every page view.
- A safety net: a kernel that has been idle with no page connected for 10 minutes is culled.
  A kernel with its page still open is never culled, however long the lecture.
"""

c = get_config()  # noqa: F821 -- traitlets provides it to config files


def set_xsrf_cookie(handler: object, notebook: object, cwd: str) -> object:
    """Make Tornado set the page's _xsrf cookie (reading the token sets it), then go on."""
    handler.xsrf_token  # noqa: B018 -- read for its side effect: the cookie
    return notebook


c.VoilaConfiguration.prelaunch_hook = set_xsrf_cookie
c.MappingKernelManager.cull_idle_timeout = 600
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = False
