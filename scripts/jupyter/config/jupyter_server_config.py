# Read by every Jupyter server this project starts (scripts/jupyter/server.ts puts this folder first on
# JUPYTER_CONFIG_PATH): `npm start`, the notebook runner and the tests.
#
# tslab 1.0.22 now and then never answers the first kernel_info_request of a new kernel (it binds its
# five zeromq sockets at once; a shell message that arrives while iopub is still binding fails with
# EBUSY). jupyter_server 2 sends exactly one such request before it opens a client's websocket
# (ZMQChannelsWebsocketConnection.prepare) and waits `kernel_info_timeout` for it: by default
# MappingKernelManager's 60 s. After that, the connection's nudge re-sends kernel_info every 0.5 s on
# shell and control, so a kernel that dropped the first one is found at once. jupyter_server 1 read
# this timeout from tornado_settings; jupyter_server 2 ignores that key and has it as a plain (not
# configurable) trait of the connection class, so a subclass sets it. MappingKernelManager keeps its
# 60 s: a restart still allows a slow kernel its time.
from traitlets import default

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

KERNEL_INFO_TIMEOUT_S = 10.0


class QuickKernelInfoConnection(ZMQChannelsWebsocketConnection):
    """A kernel websocket that waits 10 s, not 60 s, for a new kernel's first kernel_info reply."""

    @default("kernel_info_timeout")
    def _quick_kernel_info_timeout(self):
        return KERNEL_INFO_TIMEOUT_S


c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
c.ServerApp.kernel_websocket_connection_class = QuickKernelInfoConnection
