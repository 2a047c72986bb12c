-- The same key twice in one file: the later valid row wins, the earlier ones are kept
-- aside with the line that replaced them. `{key}` is the kind's key column (a constant of
-- ingest/contract.py, never user input).
update validated
set _reason = '{key} ' || validated.{key} || ' appears again at line ' || repeated.winning_line
              || ' of this file (the later row wins)'
from (
    select {key}, max(_line) as winning_line
    from validated
    where _reason is null
    group by {key}
    having count(*) > 1
) as repeated
where validated.{key} = repeated.{key}
  and validated._reason is null
  and validated._line < repeated.winning_line
