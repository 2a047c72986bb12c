-- The same key twice in one file: the latest valid row wins, the others are kept aside
-- with the line that replaced them. Placeholders (constants of ingest/load.py built from
-- ingest/contract.py, never user input): `{key}` the kind's key columns or expressions,
-- `{key_text}` how a reason names a row's key, `{latest}` the order that puts the winner
-- first (the later line; for ratings the later rating time, then the later line),
-- `{winner}` how the reason names the winner.
update validated
set _reason = {key_text} || ' appears again at line ' || repeated.winning_line
              || ' of this file (the {winner} wins)'
from (
    select _line, first_value(_line) over (partition by {key} order by {latest}) as winning_line
    from validated
    where _reason is null
      -- only the keys that repeat: a backfill's million rows need no sort
      and ({key}) in (select {key} from validated where _reason is null group by {key} having count(*) > 1)
) as repeated
where validated._line = repeated._line
  and validated._reason is null
  and validated._line <> repeated.winning_line
