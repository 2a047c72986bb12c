-- The dossier states of DESIGN §4 as of a day d, written once: pending, pending overdue
-- (and so pending within due, the rest of pending), carried over. Every reader of them
-- calls these macros: the KPI events (sql/marts/fct_kpi_events.sql, as +1/-1 deltas), the
-- dossiers that may count against satisfaction (sql/queries/kpi/measures.sql), the
-- dossiers behind a number (sql/queries/dossiers.sql) and the overdue watchlist
-- (sql/queries/overdue.sql).
--
-- One shape for every state: it holds on the days [from_day, until_day), from its first
-- day up to, not including, the day the dossier is finished (until_day NULL: still open).
-- A list asks `holds_on(from, until, d)`; the events write +1 on `from` and -1 on `until`
-- for each span that `holds_some_day`, so the running sum of the deltas up to d counts
-- exactly the dossiers for which `holds_on(from, until, d)`: the two cannot drift.
--   pending          [received_date, finished_date)
--   pending overdue  [overdue_from(received_date, due_date), finished_date)
--
-- Where they live: TEMP macros, defined by the code on the connection that runs the query
-- (`warehouse.dossier_state`): by the writer when it prepares its connection (publish
-- builds fct_kpi_events), and by `warehouse.lookups.fetch_frame`, the one path of every
-- reader's query, on each connection whose SQL calls them, once per connection (about 3 ms;
-- nothing for a query that calls none). Not stored in the snapshot: snapshots are opened
-- read-only, one published before the macros existed must answer the same queries, and a
-- cursor (the dashboard reads on a new one each time) does not see the temp macros of the
-- connection it came from, so it defines its own.
-- Dates only: d is a calendar date (DESIGN §4), as are the dossier's days.

-- A state that holds on the days [from_day, until_day). Comparisons without an `or`, so
-- that a join on it stays a range join.
create or replace temp macro holds_on(from_day, until_day, d) as
    from_day <= d and coalesce(until_day, date '9999-12-31') > d;

-- Whether the span [from_day, until_day) holds on at least one day: the events write its
-- +1/-1 only then (a dossier finished the day it was received was never pending overnight;
-- one finished by its due day was never overdue).
create or replace temp macro holds_some_day(from_day, until_day) as
    from_day is not null and coalesce(until_day, date '9999-12-31') > from_day;

-- The first day a dossier still open counts as pending overdue: the day after its due day
-- (due date < d), or the day it was received if that is later. NULL without a due date:
-- such a dossier is never overdue.
create or replace temp macro overdue_from(received_date, due_date) as
    case when due_date is not null then greatest(received_date, due_date + 1) end;

-- Pending at the end of day d: received by d, not finished by d (whatever the status).
create or replace temp macro is_pending(received_date, finished_date, d) as
    holds_on(received_date, finished_date, d);

-- Pending at d with its due date before d. Pending within due is the rest of pending
-- (due on d or later, or no due date): `is_pending(...) and not is_pending_overdue(...)`.
create or replace temp macro is_pending_overdue(received_date, due_date, finished_date, d) as
    coalesce(holds_on(overdue_from(received_date, due_date), finished_date, d), false);

-- Carried over into a period starting on date_from: pending at the end of the day before
-- (received before it, not finished before it; finished on date_from itself counts).
create or replace temp macro is_carried_over(received_date, finished_date, date_from) as
    is_pending(received_date, finished_date, date_from - 1);
