"""One instance per data folder: a second launch hands over, a crash's leftover is cleared."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalServer

from aiva_desk.cli import main
from aiva_desk.gui import launch
from aiva_desk.gui.launch import (
    InstanceNotAnswering,
    hand_over_to_running,
    release_instance_lock,
)
from aiva_desk.gui.single_instance import (
    LOCK_FILE_NAME,
    InstanceLock,
    SingleInstance,
    activate_request,
    open_request,
    parse_request,
    server_name,
)


@pytest.fixture(autouse=True)
def no_claim_left() -> Iterator[None]:
    """Each test ends with this process holding no data folder (lock or listener)."""
    yield
    release_instance_lock()


@pytest.fixture
def instances(qapp):
    made: list[SingleInstance] = []

    def make(data_dir: Path) -> SingleInstance:
        instance = SingleInstance(data_dir)
        made.append(instance)
        return instance

    yield make
    for instance in made:
        instance.close()


def test_requests_round_trip() -> None:
    assert parse_request(activate_request().encode()) == activate_request()
    assert parse_request(open_request(1042).encode()) == open_request(1042)
    assert parse_request(b"open 1042\n").number == 1042
    for junk in (b"", b"open\n", b"open -3\n", b"open 12 13\n", b"rm -rf /\n", b"\xff\xfe\n"):
        assert parse_request(junk) is None


def test_the_name_depends_on_the_data_folder(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a") == server_name(tmp_path / "a" / ".." / "a")
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert len(server_name(tmp_path / "a")) < 40  # fits a Unix socket path in /tmp


def test_a_second_launch_hands_over_to_the_first(qtbot, instances, tmp_path: Path) -> None:
    first = instances(tmp_path / "data")
    assert first.listen()
    second = instances(tmp_path / "data")
    assert not second.listen()  # the first one is alive

    with qtbot.waitSignal(first.activate_requested, timeout=10_000):
        assert second.hand_over()
    with qtbot.waitSignal(first.open_requested, timeout=10_000) as opened:
        assert second.hand_over(open_request(1042))
    assert opened.args == [1042]


def test_different_data_folders_do_not_collide(qtbot, instances, tmp_path: Path) -> None:
    one = instances(tmp_path / "one")
    two = instances(tmp_path / "two")
    assert one.listen()
    assert two.listen()
    with (
        qtbot.assertNotEmitted(one.activate_requested, wait=200),
        qtbot.waitSignal(two.activate_requested, timeout=10_000),
    ):
        assert instances(tmp_path / "two").hand_over()


def test_nobody_running_means_no_handover(instances, tmp_path: Path) -> None:
    assert not instances(tmp_path / "data").hand_over(timeout_ms=300)


def test_a_name_left_by_a_crash_is_cleared(qtbot, instances, tmp_path: Path) -> None:
    """A process that listened and was killed leaves its socket file behind."""
    data = tmp_path / "data"
    name = server_name(data)
    crash = textwrap.dedent(
        f"""
        import os
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtNetwork import QLocalServer
        app = QCoreApplication([])
        server = QLocalServer()
        assert server.listen({name!r}), server.errorString()
        print(server.fullServerName(), flush=True)
        os._exit(9)  # no cleanup, like a crash
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", crash], capture_output=True, text=True, timeout=60
    )
    socket_file = Path(result.stdout.strip())
    if sys.platform != "win32":
        assert socket_file.exists(), "the crashed process left no socket behind"

    survivor = instances(data)
    assert survivor.listen()
    assert survivor.stale_cleared
    with qtbot.waitSignal(survivor.open_requested, timeout=10_000):
        assert instances(data).hand_over(open_request(7))


def test_a_launch_in_another_process_hands_over(qtbot, instances, tmp_path: Path) -> None:
    """The command line hands over before any Qt application exists (blocking waits)."""
    data = tmp_path / "data"
    first = instances(data)
    assert first.listen()
    code = textwrap.dedent(
        f"""
        from aiva_desk.gui.single_instance import SingleInstance, open_request
        print(SingleInstance({str(data)!r}).hand_over(open_request(1042)))
        """
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    with qtbot.waitSignal(first.open_requested, timeout=10_000) as opened:
        pass
    out, _ = process.communicate(timeout=30)
    assert opened.args == [1042]
    assert out.strip() == "True"


def test_closing_frees_the_name(instances, tmp_path: Path) -> None:
    first = instances(tmp_path / "data")
    assert first.listen()
    first.close()
    again = instances(tmp_path / "data")
    assert again.listen()
    assert not again.stale_cleared
    assert QLocalServer.removeServer  # (the API the stale case relies on exists)


class FakeShower:
    def __init__(self) -> None:
        self.shown = 0
        self.opened: list[int] = []

    def show_window(self) -> None:
        self.shown += 1

    def open_ticket(self, ticket_id: int) -> None:
        self.opened.append(ticket_id)


def test_aiva_desk_open_hands_the_number_to_the_running_window(qtbot, context) -> None:
    from aiva_desk.cli import main
    from aiva_desk.demo.generate import generate_demo
    from aiva_desk.gui.errors import capture_errors
    from aiva_desk.gui.launch import start_instance

    generate_demo(context.db, tickets=2, seed=1)
    shower = FakeShower()
    instance = start_instance(context, shower)
    try:
        assert instance.listening
        assert main(["--data-dir", str(context.paths.root), "open", "1002"]) == 0
        qtbot.waitUntil(lambda: len(shower.opened) == 1)
        assert shower.shown == 1
        with capture_errors() as shown:
            assert main(["--data-dir", str(context.paths.root), "open", "999999"]) == 0
            qtbot.waitUntil(lambda: len(shown) == 1)
        assert "#999999" in shown[0].message
        assert main(["--data-dir", str(context.paths.root)]) == 0  # plain launch: activate
        qtbot.waitUntil(lambda: shower.shown == 3)
    finally:
        release_instance_lock()


def test_the_first_launch_opens_its_own_ticket(qtbot, context) -> None:
    from aiva_desk.gui.launch import LaunchOptions, set_launch_options, start_instance

    set_launch_options(LaunchOptions(request=open_request(1001)))
    shower = FakeShower()
    try:
        from aiva_desk.demo.generate import generate_demo

        generate_demo(context.db, tickets=1, seed=1)
        start_instance(context, shower)
        qtbot.waitUntil(lambda: len(shower.opened) == 1)
    finally:
        set_launch_options(LaunchOptions())


def _hold_lock(data: Path, then: str = "time.sleep(60)") -> subprocess.Popen:
    """Another process that takes the data folder's lock, says so, then does ``then``."""
    code = (
        textwrap.dedent(
            f"""
        import os, sys, time
        from PySide6.QtCore import QCoreApplication, QTimer
        from aiva_desk.gui.single_instance import InstanceLock, SingleInstance
        app = QCoreApplication([])
        lock = InstanceLock({str(data)!r})
        assert lock.acquire()
        print("locked", flush=True)
        """
        )
        + then
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "locked"
    return process


def test_only_one_holder_of_the_lock_per_data_folder(tmp_path: Path) -> None:
    first, second = InstanceLock(tmp_path / "data"), InstanceLock(tmp_path / "data")
    assert first.acquire() and not second.acquire()
    assert InstanceLock(tmp_path / "other").acquire()  # another folder: its own lock
    first.release()
    assert second.acquire()
    second.release()


def test_a_lock_left_by_a_crashed_process_is_free(tmp_path: Path) -> None:
    data = tmp_path / "data"
    process = _hold_lock(data, "os._exit(9)  # no cleanup, like a crash")
    process.wait(timeout=30)
    assert (data / LOCK_FILE_NAME).exists(), "the crashed process left no lock file"
    lock = InstanceLock(data)
    assert lock.acquire()
    lock.release()


def test_a_launch_waits_for_an_instance_still_starting(qapp, tmp_path: Path) -> None:
    # Two launches in the same instant: the second finds the lock taken and nobody
    # listening yet; it waits until the first listens, then hands its request over.
    data = tmp_path / "data"
    process = _hold_lock(
        data,
        "instance = SingleInstance(" + repr(str(data)) + ")\n"
        "instance.open_requested.connect(lambda n: (print(n, flush=True), app.quit()))\n"
        "QTimer.singleShot(1500, instance.listen)\n"
        "app.exec()",
    )
    try:
        assert hand_over_to_running(str(data), open_request(42), wait_s=20)
        out, _ = process.communicate(timeout=30)
        assert out.strip() == "42"
    finally:
        process.kill()
        release_instance_lock()


def test_an_instance_that_never_answers_is_named(qapp, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(launch, "STARTING_WAIT_S", 0.5)
    data = tmp_path / "data"
    process = _hold_lock(data)
    try:
        with pytest.raises(InstanceNotAnswering) as refused:
            hand_over_to_running(str(data))
        assert f"(process {process.pid})" in refused.value.message
        assert "does not answer" in refused.value.message
        assert refused.value.title == "AIVA Desk is not answering"
        assert main(["--data-dir", str(data)]) == 2  # shown (dialogs are off in tests)
    finally:
        process.kill()
        process.wait(timeout=30)
        release_instance_lock()


def test_a_leftover_lock_file_never_keeps_the_app_from_starting(tmp_path: Path) -> None:
    # Garbled by a power loss, copied from another machine, or naming a process id that
    # now belongs to someone else: nobody holds the lock, so it is free.
    data = tmp_path / "data"
    data.mkdir()
    for leftover in (b"", b"\x00\xff garbage", b"4242 otherhost aiva-desk\n", b"1\n"):
        (data / LOCK_FILE_NAME).write_bytes(leftover)
        lock = InstanceLock(data)
        assert lock.acquire(), leftover
        assert lock.holder() == os.getpid()
        lock.release()


def test_launches_during_start_up_are_kept_until_the_window_exists(qtbot, context) -> None:
    # The app listens from the start: a launch while the database opens or the
    # welcome is up is answered at once, and acted on once the window is there.
    from aiva_desk.demo.generate import generate_demo
    from aiva_desk.gui.launch import listen_early, start_instance

    generate_demo(context.db, tickets=2, seed=1)
    listen_early(str(context.paths.root))
    code = textwrap.dedent(
        f"""
        from aiva_desk.gui.launch import hand_over_to_running
        from aiva_desk.gui.single_instance import open_request
        print(hand_over_to_running({str(context.paths.root)!r}, open_request(1002)))
        """
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=30_000)
    assert process.stdout is not None and process.stdout.read().strip() == "True"
    shower = FakeShower()
    start_instance(context, shower)
    qtbot.waitUntil(lambda: len(shower.opened) == 1)
    assert shower.opened == [context.tickets.id_for_number(1002)] and shower.shown == 1
