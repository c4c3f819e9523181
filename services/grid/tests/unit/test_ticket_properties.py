"""Random command sequences on a ticket: whatever the order, the invariants hold."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from grassroots_common.errors import DomainError
from grassroots_common.workdays import WorkCalendar
from grid.domain.ticket import Routing, Ticket

T0 = dt.datetime(2026, 11, 18, 1, 0, tzinfo=dt.UTC)
CALENDAR = WorkCalendar(years={2026})

COMMANDS = st.sampled_from(
    [
        "accept",
        "return",
        "redispatch",
        "handle",
        "report_back",
        "verify_pass",
        "verify_fail",
        "close",
        "request_extension",
        "approve_extension",
        "refuse_extension",
        "check",
        "satisfied",
        "partly",
        "unsatisfied",
    ]
)
STEP = st.tuples(COMMANDS, st.integers(min_value=0, max_value=72))  # hours to move the clock

# Which state each event may follow (None: a new stream).
ALLOWED_FROM = {
    "TicketDispatched": {None, "returned"},
    "TicketAccepted": {"dispatched"},
    "TicketReturned": {"dispatched", "accepted"},
    "TicketHandled": {"accepted"},
    "TicketReportedBack": {"handled"},
    "TicketVerified": {"reported_back"},
    "TicketClosed": {"verified"},
    "SatisfactionRecorded": {"closed"},
    "TicketReopened": {"closed"},
}


def run(t: Ticket, command: str, now: dt.datetime) -> None:
    deadline = t.deadline or now
    match command:
        case "accept":
            t.accept(handler_id="h", handler_name="h", now=now)
        case "return":
            t.return_ticket(reason="不属本部门", now=now)
        case "redispatch":
            t.redispatch(routing=Routing("dep_b", None, (), 1, 2.0), calendar=CALENDAR, dispatched_by="ca", now=now)
        case "handle":
            t.handle(note="", now=now)
        case "report_back":
            t.report_back(result="已处理", evidence_upload_ids=[], now=now)
        case "verify_pass":
            t.verify(passed=True, comment="", verified_by="ca", close=False, now=now)
        case "verify_fail":
            t.verify(passed=False, comment="未解决", verified_by="ca", close=False, now=now)
        case "close":
            t.close(now=now)
        case "request_extension":
            t.request_extension(reason="材料未到", requested_deadline=deadline + dt.timedelta(days=2), now=now)
        case "approve_extension":
            t.decide_extension(approve=True, reason="", decided_by="ca", now=now)
        case "refuse_extension":
            t.decide_extension(approve=False, reason="不同意", decided_by="ca", now=now)
        case "check":
            t.check_deadlines(now=now)
        case "satisfied" | "partly" | "unsatisfied":
            t.record_satisfaction(satisfaction=command, comment="", recorded_by="ca", calendar=CALENDAR, now=now)


@settings(max_examples=300, deadline=None)
@given(st.lists(STEP, max_size=40))
def test_invariants_hold_for_any_command_sequence(steps: list[tuple[str, int]]) -> None:
    t = Ticket("tkt_p")
    t.dispatch(
        community_id="c",
        grid_id=None,
        report_id=None,
        category="x",
        kind="complaint",
        title="t",
        text="t",
        address="",
        routing=Routing("dep_a", None, (), 2, 2.0),
        calendar=CALENDAR,
        dispatched_by="ca",
        now=T0,
    )
    history = [p.event for p in t.take_pending()]
    now = T0
    for command, hours in steps:
        now += dt.timedelta(hours=hours)
        before = (t.state, t.deadline, t.extension_requested)
        replayed_version = Ticket.replay(t.id, history)
        try:
            run(t, command, now)
        except DomainError:
            # A refused command raises nothing and changes nothing.
            assert t.pending == []
            assert (t.state, t.deadline, t.extension_requested) == before
            continue
        new = [p.event for p in t.take_pending()]
        # The state replayed from the events equals the state the commands reached.
        assert Ticket.replay(t.id, history + new).state == t.state
        state = replayed_version.state
        for event in new:
            name = event.type_name()
            if name in ALLOWED_FROM:
                assert state in ALLOWED_FROM[name], (name, state)
            if name == "TicketExtensionRequested":
                assert now <= event.current_deadline
            probe = Ticket.replay(t.id, [*history, event])
            state = probe.state
            history.append(event)
    # Overdue once per round and stage, escalation once per round and level.
    overdue = [(e.round, e.stage) for e in history if e.type_name() == "TicketOverdue"]
    escalated = [(e.round, e.level) for e in history if e.type_name() == "TicketEscalated"]
    assert len(overdue) == len(set(overdue))
    assert len(escalated) == len(set(escalated))
    # Closing always follows a passed verification with no rework in between.
    names = [e.type_name() for e in history]
    for i, name in enumerate(names):
        if name == "TicketClosed":
            verified = history[i - 1]
            assert verified.type_name() == "TicketVerified" and verified.passed
