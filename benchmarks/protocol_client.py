"""A Streamlit session without a browser: the websocket protocol a browser tab speaks, in a few lines.

A browser tab of a Streamlit app opens ``/_stcore/stream`` (subprotocol
``streamlit``) and sends ``BackMsg.rerun_script`` with the page, the query string and
the state of its widgets; the server runs the page and streams ``ForwardMsg``\\ s (the
page's elements, each widget with its id) until ``script_finished``. Changing an input
is one more ``rerun_script`` with that widget's new value. This module does exactly
that, with Streamlit's own protobuf classes, so that a load test can hold dozens of
sessions open on a 2-core machine without also rendering dozens of pages: the server
does the same work either way (same sessions, same reruns, same model calls), the
client costs almost nothing. benchmarks/load.py uses it with ``--client protocol``.

What it does not do: run the page's JavaScript (iframes, charts, components), fetch
media, or reconnect. benchmarks/load.py ``--client browser`` is the faithful check.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# element kinds whose text is what a reader sees as the page's answer
TEXT_KINDS = ("markdown", "text", "heading", "metric", "progress", "alert", "code", "caption")
ERROR_ALERT = 1  # Alert.Format.ERROR


@dataclass
class Element:
    kind: str  # the Element oneof name: markdown, text_input, dataframe, ...
    widget_id: str = ""
    label: str = ""
    text: str = ""  # what it shows: body, metric value, progress text, dataframe cells joined by "|"
    proto: object = None


@dataclass
class Run:
    elements: list[Element] = field(default_factory=list)
    seconds: float = 0.0
    status: str = ""

    @property
    def errors(self) -> list[str]:
        """Exceptions and error boxes the page showed."""
        return [e.text for e in self.elements if e.kind == "exception"
                or (e.kind == "alert" and getattr(e.proto, "format", None) == ERROR_ALERT)]

    def text_with(self, needle: str) -> str:
        """The text of every element that contains ``needle``, one per line (a page's "answer")."""
        return "\n".join(e.text for e in self.elements if needle in e.text)

    def widget(self, kind: str, label: str | None = None) -> Element:
        """The first widget of ``kind`` (with ``label``, when given)."""
        for e in self.elements:
            if e.kind == kind and e.widget_id and (label is None or e.label == label):
                return e
        raise LookupError(f"the page has no {kind} widget" + (f" labelled {label!r}" if label else ""))


def _dataframe_text(proto) -> str:
    """The cells of a st.dataframe (Arrow IPC bytes) joined by "|", row by row."""
    try:
        import pyarrow as pa

        table = pa.ipc.open_stream(io.BytesIO(proto.arrow_data.data)).read_all()
        rows = table.to_pylist()
        return "\n".join("|".join(str(v) for v in row.values()) for row in rows)
    except Exception as err:  # a table we cannot read is shown as such, never silently empty
        return f"(unreadable dataframe: {type(err).__name__})"


def _element(proto) -> Element:
    kind = proto.WhichOneof("type")
    inner = getattr(proto, kind)
    widget_id = getattr(inner, "id", "") if hasattr(inner, "id") else ""
    label = getattr(inner, "label", "") if hasattr(inner, "label") else ""
    if kind == "dataframe":
        text = _dataframe_text(inner)
    elif kind == "metric":
        text = f"{inner.label}: {inner.body}"
    elif kind == "progress":
        text = inner.text
    elif kind == "exception":
        text = f"{inner.type}: {inner.message}"
    elif kind == "button_group":
        text = " · ".join(o.content for o in inner.options) if hasattr(inner, "options") else label
    else:
        text = getattr(inner, "body", "") if hasattr(inner, "body") else label
    return Element(kind, widget_id, label, str(text), inner)


class Session:
    """One tab: ``await Session.open(base, page, query)`` runs the page; ``change`` reruns it."""

    def __init__(self, ws, page: str, query_string: str):
        self._ws = ws
        self.page = page
        self.query_string = query_string
        self.last: Run | None = None

    @classmethod
    async def open(cls, base: str, page: str, query_string: str = "", timeout: float = 120.0) -> "Session":
        import websockets

        parts = urlsplit(base)
        scheme = "wss" if parts.scheme == "https" else "ws"
        url = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        ws = await websockets.connect(url, subprotocols=["streamlit"], origin=f"{parts.scheme}://{parts.netloc}",
                                      max_size=None, open_timeout=timeout, ping_interval=None)
        session = cls(ws, page, query_string)
        await session.rerun({}, timeout)
        return session

    async def rerun(self, widgets: dict, timeout: float = 120.0) -> Run:
        """Run the page again with ``widgets`` ({widget id: WidgetState}); return what it showed."""
        import asyncio

        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = self.query_string
        msg.rerun_script.page_name = self.page
        for state in widgets.values():
            msg.rerun_script.widget_states.widgets.append(state)
        started = time.monotonic()
        await self._ws.send(msg.SerializeToString())
        run = Run()
        deadline = started + timeout
        while True:
            raw = await asyncio.wait_for(self._ws.recv(), max(0.1, deadline - time.monotonic()))
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                run.elements.append(_element(fwd.delta.new_element))
            elif kind == "page_not_found":
                raise LookupError(f"the server has no page {self.page!r}")
            elif kind == "script_finished":
                status = fwd.script_finished
                if status == 2:  # FINISHED_EARLY_FOR_RERUN: a newer run follows; keep reading
                    run = Run()
                    continue
                run.status = {0: "ok", 1: "compile error", 3: "fragment ok"}.get(status, str(status))
                break
        run.seconds = time.monotonic() - started
        self.last = run
        return run

    async def change(self, kind: str, value, timeout: float = 120.0, label: str | None = None) -> Run:
        """Give the widget of ``kind`` (text_input, text_area, number_input; the first, or the one with
        ``label``) a new value, as a browser does on Enter."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        element = self.last.widget(kind, label)
        state = WidgetState(id=element.widget_id)
        if kind == "number_input":
            if element.proto.data_type == element.proto.INT:
                state.int_value = int(value)
            else:
                state.double_value = float(value)
        else:
            state.string_value = str(value)
        return await self.rerun({state.id: state}, timeout)

    async def close(self) -> None:
        await self._ws.close()
