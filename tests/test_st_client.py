"""The benchmark's thin Streamlit client: what it sends, and how it reads what comes back."""

from __future__ import annotations

import asyncio

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.st_client import Run, Session, rerun_message, string_widget


def test_a_rerun_request_carries_the_page_the_query_and_the_widget_values():
    sent = BackMsg()
    sent.ParseFromString(
        rerun_message(
            query_string="wall=1&rotate=20",
            page_script_hash="abc",
            widgets=[string_widget("$$ID-1-explorer.channel", "Trực tuyến")],
        )
    )

    assert sent.WhichOneof("type") == "rerun_script"
    state = sent.rerun_script
    assert (state.query_string, state.page_script_hash, state.fragment_id, state.is_auto_rerun) == (
        "wall=1&rotate=20",
        "abc",
        "",
        False,
    )
    assert [(w.id, w.string_value) for w in state.widget_states.widgets] == [("$$ID-1-explorer.channel", "Trực tuyến")]


def test_a_fragment_rerun_says_which_fragment_and_that_a_timer_asked():
    sent = BackMsg()
    sent.ParseFromString(rerun_message(fragment_id="f1", is_auto_rerun=True))

    assert (sent.rerun_script.fragment_id, sent.rerun_script.is_auto_rerun) == ("f1", True)


def _forward(**fields) -> ForwardMsg:
    message = ForwardMsg(**{k: v for k, v in fields.items() if k != "selectbox"})
    if "selectbox" in fields:
        label, options = fields["selectbox"]
        box = message.delta.new_element.selectbox
        box.id, box.label = f"id-{label}", label
        box.options.extend(options)
    return message


def test_a_run_ends_at_its_own_finish_not_at_the_one_it_interrupted_nor_a_fragments():
    async def scenario():
        session = Session("http://127.0.0.1:1", socket=None)
        run = session._pending = Run("widget", 0.0)
        navigation = ForwardMsg()
        navigation.navigation.app_pages.add(page_script_hash="h1", url_pathname="phan-tich")
        for message in (
            navigation,
            _forward(selectbox=("Kênh nộp", ["Trực tuyến", "Trực tiếp"])),
            _forward(script_finished=ForwardMsg.FINISHED_EARLY_FOR_RERUN),
            _forward(script_finished=ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY),
        ):
            session._receive(message)
        unfinished = run.done.is_set()
        session._receive(_forward(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY))
        return session, run, unfinished

    session, run, unfinished_before = asyncio.run(scenario())

    assert unfinished_before is False
    assert run.done.is_set() and run.status == ForwardMsg.FINISHED_SUCCESSFULLY
    assert session.pages == {"phan-tich": "h1"}
    assert session.widget("Kênh nộp").options == ["Trực tuyến", "Trực tiếp"]
