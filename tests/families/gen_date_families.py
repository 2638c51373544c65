"""Write the per-wording date_understanding families into stdlib/families.

`date_understanding` (BIG-Bench Hard) is not one family: some forty context wordings each need
their own way to find today's date. Each wording below becomes one standalone Seglam family,
`stdlib/families/date_understanding__<slug>.sgl` plus its `.json` sidecar: the shared date
helpers (the same in every file, since a cached program stands alone), the wording's own
`today_from`, the entry point `solve`, three examples taken from the data, and properties.

Run from the repository root:  .venv/bin/python tests/families/gen_date_families.py

Wordings left out, and why:
- "Today is Christmas Eve of N." and "Today is 9/7. Jane is watching NFL 2003.": need world
  knowledge (a holiday's date; which year an NFL season is named by).
- "In the US, Thanksgiving is on the fourth Thursday of November. Today is the US
  Thanksgiving of 2001.": the targets put today in 2002, not the year the text states.
- "2015 is coming in 36 hours.": the targets put today on 12/29/2014; 36 hours before
  1 January is 30 December.
- "Jane and John married on Jan 2, 1958. It is their 5-year anniversary today.": the targets
  put today in 1961, three years on.
- "Jane is celebrating the last day of Jan 2012.": one target (one week from today) is
  02/06/2012, though the others put today on 01/31/2012.
A family there would serve answers that the benchmark scores as wrong, so none is written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script from the repository root
    sys.path.insert(0, str(REPO))

from tests.data import BBH  # noqa: E402
from tests.families import test_families_cpython as h  # noqa: E402

OUT = REPO / "stdlib" / "families"
DATA = BBH / "date_understanding.json"

COMMON = '''
from datetime import date, timedelta

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "feburary": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
    "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10}
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                 "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
LETTERS = "ABCDEFGH"
# Dates are kept well inside what `date` can hold, so that no step can overflow.
YEAR_MIN = 1000
YEAR_MAX = 8999


# ---- calendar helpers ------------------------------------------------------------------------


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in [4, 6, 9, 11] else 31


def make_date(year: int, month: int, day: int) -> date | None:
    # None (not a fault) for a date that does not exist or is out of range.
    if year < YEAR_MIN or year > YEAR_MAX or month < 1 or month > 12:
        return None
    if day < 1 or day > days_in_month(year, month):
        return None
    return date(year, month, day)


def plus_days(day: date, days: int) -> date | None:
    if abs(days) > 36600:
        return None
    # 36600 days move at most 101 years: a day this far out lands outside the years
    # anyway, and adding to it could pass date.min or date.max (F-OVERFLOW).
    if day.year < YEAR_MIN - 101 or day.year > YEAR_MAX + 101:
        return None
    moved = day + timedelta(days=days)
    if moved.year < YEAR_MIN or moved.year > YEAR_MAX:
        return None
    return moved


def add_months(day: date, months: int) -> date | None:
    # Same day of the month, clamped to the month's last day (03/31 minus a month is 02/28).
    index = day.year * 12 + (day.month - 1) + months
    year = index // 12
    month = index % 12 + 1
    return make_date(year, month, min(day.day, days_in_month(year, month)))


# ---- reading dates and numbers ---------------------------------------------------------------


def parse_month(word: str) -> int | None:
    # "Jan", "January", "Sept.", ...
    return MONTHS.get(word.lower().rstrip("."))


def parse_count(word: str) -> int | None:
    # "one", "ten", "a", "24"
    lowered = word.lower()
    if lowered in NUMBER_WORDS:
        return NUMBER_WORDS[lowered]
    if lowered.isdigit():
        return parse_int(lowered)
    return None


def parse_ordinal(word: str) -> int | None:
    # "first" .. "twelfth", or "1st", "2nd", "16th"
    lowered = word.lower()
    if lowered in ORDINAL_WORDS:
        return ORDINAL_WORDS[lowered]
    if len(lowered) < 3 or lowered[-2:] not in ["st", "nd", "rd", "th"] or not lowered[:-2].isdigit():
        return None
    return parse_int(lowered[:-2])


def parse_numeric_date(text: str, day_first: bool) -> date | None:
    # "6/18/2019" (month first, as in the US) or, with day_first, "02/01/1987" as 2 January.
    parts = text.split("/")
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 2 for p in parts[:2]):
        return None
    if not parts[2].isdigit() or len(parts[2]) != 4:
        return None
    first = parse_int(parts[0])
    second = parse_int(parts[1])
    year = parse_int(parts[2])
    if first is None or second is None or year is None:
        return None
    if day_first:
        return make_date(year, second, first)
    return make_date(year, first, second)


def format_date(day: date) -> str:
    return f"{pad(day.month, 2)}/{pad(day.day, 2)}/{pad(day.year, 4)}"


@requires(lambda number, width: 0 <= number < 10000 and 0 < width <= 4)
def pad(number: int, width: int) -> str:
    text = str(number)
    return "0" * (width - len(text)) + text


# ---- the question and the options ------------------------------------------------------------


def question_offset(question: str) -> tuple[int, int] | None:
    # (months, days) to move from today: "today", "tomorrow", "yesterday", "a month ago",
    # "one week from today", "one week ago from today", "10 days ago", "24 hours later",
    # "one year ago from today", ...
    words = question.lower().split()
    if words == ["today"]:
        return (0, 0)
    if words == ["tomorrow"]:
        return (0, 1)
    if words == ["yesterday"]:
        return (0, -1)
    if len(words) < 3:
        return None
    amount = parse_count(words[0])
    if amount is None:
        return None
    unit = words[1]
    rest = " ".join(words[2:])
    if rest in ["ago", "ago from today", "before today"]:
        n = -amount
    elif rest in ["later", "from today", "from now", "after today"]:
        n = amount
    else:
        return None
    if unit in ["day", "days"]:
        return (0, n)
    if unit in ["week", "weeks"]:
        return (0, 7 * n)
    if unit in ["hour", "hours"] and amount % 24 == 0:
        return (0, n // 24)
    if unit in ["month", "months"]:
        return (n, 0)
    if unit in ["year", "years"]:
        return (12 * n, 0)
    return None


def move(today: date, question: str) -> date | None:
    offset = question_offset(question)
    if offset is None:
        return None
    months, days = offset
    moved = add_months(today, months)
    if moved is None:
        return None
    return plus_days(moved, days)


def parse_options(options: str) -> list[str] | None:
    # "(A) 12/11/1937 (B) 12/25/1937 ..." -> ["12/11/1937", "12/25/1937", ...]
    parts = " ".join(options.split()).split("(")
    if parts[0] != "" or len(parts) < 3:
        return None
    labels: list[str] = []
    for i, part in enumerate(parts[1:]):
        if i >= len(LETTERS) or not part.startswith(LETTERS[i] + ") "):
            return None
        label = part[3:].strip()
        pieces = label.split("/")
        if len(pieces) != 3 or not all(p.isdigit() for p in pieces):
            return None
        labels.append(label)
    return labels


def pick_option(options: str, answer: date) -> str | None:
    labels = parse_options(options)
    if labels is None:
        return None
    wanted = format_date(answer)
    hits = [i for i, label in enumerate(labels) if label == wanted]
    if len(hits) != 1:
        return None
    return f"({LETTERS[hits[0]]})"


def is_name(word: str) -> bool:
    return len(word) > 1 and word.isalpha() and word[0].isupper() and word[1:].islower()
'''

PROPS = '''

def prop_week_and_days_agree(offset: int) -> bool:
    today = date(2000, 1, 1) + timedelta(days=offset % 3650)
    same_week = move(today, "one week from today") == move(today, "7 days later")
    same_day = move(today, "tomorrow") == move(today, "24 hours later")
    return same_week and same_day and move(today, "today") == today


def prop_month_ago_keeps_the_day_or_clamps(offset: int) -> bool:
    today = date(2000, 1, 1) + timedelta(days=offset % 3650)
    back = move(today, "a month ago")
    if back is None:
        return False
    day_ok = back.day == today.day or back.day == days_in_month(back.year, back.month)
    return day_ok and (today.month - back.month) % 12 == 1
'''


# (slug, context pattern, how today is found (comment), today_from body)
W = []
def w(slug, pattern, how, body):
    W.append(dict(slug=slug, pattern=pattern, how=how, body=body))

w("today_is_month_day_year", "Today is {month: word} {day: int}, {year: int}.",
  "today is the stated date",
  """    m = parse_month(month)
    if m is None:
        return None
    return make_date(year, m, day)""")

w("appointment_days_later", "Today is {month: word} {day: int}, {year: int}. {name: word}'s appointment will be {days: int} days later.",
  "today is the stated date (the appointment is a distractor)",
  """    m = parse_month(month)
    if m is None or not is_name(name) or days < 0:
        return None
    return make_date(year, m, day)""")

w("it_is_date_today", "It is {today: word} today.",
  "today is the stated M/D/YYYY date",
  """    return parse_numeric_date(today, False)""")

w("today_never_forget", "Today, {today: word}, is a day that we will never forget.",
  "today is the stated M/D/YYYY date",
  """    return parse_numeric_date(today, False)""")

w("tomorrow_is", "Tomorrow is {tomorrow: word}.",
  "today is the day before the stated date",
  """    day = parse_numeric_date(tomorrow, False)
    if day is None:
        return None
    return plus_days(day, -1)""")

w("yesterday_was_month_day_year", "Yesterday was {month: word} {day: int}, {year: int}.",
  "today is the day after the stated date",
  """    m = parse_month(month)
    if m is None:
        return None
    yesterday = make_date(year, m, day)
    if yesterday is None:
        return None
    return plus_days(yesterday, 1)""")

w("day_before_yesterday", "The day before yesterday was {before_yesterday: word}.",
  "today is two days after the stated date",
  """    day = parse_numeric_date(before_yesterday, False)
    if day is None:
        return None
    return plus_days(day, 2)""")

w("today_could_not_be", "Yesterday was {yesterday: word}. Today could not be {impossible: word} because {month_name: word} has only {days: int} days.",
  "today is the day after yesterday; the impossible date must be yesterday's day + 1 in a month of exactly that many days",
  """    day = parse_numeric_date(yesterday, False)
    if day is None:
        return None
    parts = impossible.split("/")
    if len(parts) != 3 or parts[2] != str(day.year):
        return None
    month_number = parse_int(parts[0])
    day_number = parse_int(parts[1])
    if month_number is None or day_number is None:
        return None
    if month_number != day.month or day_number != day.day + 1:
        return None
    if parse_month(month_name) != day.month or days != days_in_month(day.year, day.month):
        return None
    if day_number <= days:
        return None
    return plus_days(day, 1)""")

w("uk_day_first", "In the UK, people usually put the day before the month when formatting the date. Therefore, today is {today: word} to them.",
  "today is the stated date read day first (DD/MM/YYYY)",
  """    return parse_numeric_date(today, True)""")

w("thinks_today_is", "{name: word} thinks today is {first_date: word}, but {other: word} thinks today is {second_date: word}. {correct: word} is correct.",
  "today is the date believed by whoever is said to be correct",
  """    if not is_name(name) or not is_name(other) or name == other:
        return None
    if correct == name:
        return parse_numeric_date(first_date, False)
    if correct == other:
        return parse_numeric_date(second_date, False)
    return None""")

w("thought_but_in_fact", "{name: word} thought today is {thought: word}, but today is in fact {month: word} {day: int}, which is {later: str} later.",
  "today is the thought date plus the stated number of days; it must fall on the stated month and day",
  """    thought_day = parse_numeric_date(thought, False)
    words = later.split()
    if thought_day is None or not is_name(name) or len(words) != 2 or words[1] not in ["day", "days"]:
        return None
    count = parse_count(words[0])
    if count is None:
        return None
    actual = plus_days(thought_day, count)
    if actual is None or actual.month != parse_month(month) or actual.day != day:
        return None
    return actual""")

w("concert_delayed", "The concert was scheduled to be on {scheduled: word}, but was delayed by {delay: str} to today.",
  "today is the scheduled date plus the delay",
  """    day = parse_numeric_date(scheduled, False)
    words = delay.split()
    if day is None or len(words) != 2 or words[1] not in ["day", "days"]:
        return None
    count = parse_count(words[0])
    if count is None:
        return None
    return plus_days(day, count)""")

w("meeting_rescheduled_tomorrow", "Today's meeting is rescheduled to {time: str} tomorrow, {tomorrow: word}.",
  "today is the day before the stated date (the hour, e.g. 11 am, is checked and ignored)",
  """    words = time.split()
    if len(words) != 2 or words[1] not in ["am", "pm"]:
        return None
    hour = parse_count(words[0])
    if hour is None or hour < 1 or hour > 12:
        return None
    day = parse_numeric_date(tomorrow, False)
    if day is None:
        return None
    return plus_days(day, -1)""")

w("appointments_for_tomorrow", "{name: word} scheduled {appointments: int} apointments with {people: int} poeple for tomorrow ({weekday: word}, {tomorrow: word}).",
  "today is the day before the stated date (the weekday abbreviation is checked to be one, not checked against the date: the source data does not always agree)",
  """    if not is_name(name) or weekday.lower() not in [d[:3] for d in WEEKDAYS]:
        return None
    day = parse_numeric_date(tomorrow, False)
    if day is None:
        return None
    return plus_days(day, -1)""")

w("current_local_time", "The current local time is {time: word} {meridiem: word} of {today: word}.",
  "today is the stated date (the H:MM time and am/pm are checked and ignored)",
  """    parts = time.split(":")
    if len(parts) != 2 or meridiem.lower() not in ["am", "pm"] or len(parts[1]) != 2:
        return None
    hour = parse_count(parts[0])
    minute = parse_count(parts[1])
    if hour is None or minute is None or hour < 1 or hour > 12 or minute > 59:
        return None
    return parse_numeric_date(today, False)""")

w("flight_for_tomorrow", "{name: word} booked a flight for tomorrow, {month: word} {day: int}, {year: int}.",
  "today is the day before the flight",
  """    m = parse_month(month)
    if m is None or not is_name(name):
        return None
    flight = make_date(year, m, day)
    if flight is None:
        return None
    return plus_days(flight, -1)""")

w("deadline_days_away", "The deadline is {month: word} {day: int}, {year: int}, which is {days: int} days away from now.",
  "today is the deadline minus the number of days",
  """    m = parse_month(month)
    if m is None:
        return None
    deadline = make_date(year, m, day)
    if deadline is None:
        return None
    return plus_days(deadline, -days)""")

w("quit_job_days_passed", "{name: word} quited her job on {month: word} {day: int}, {year: int}. {days: int} days have passed since then.",
  "today is the stated date plus the days passed",
  """    m = parse_month(month)
    if m is None or not is_name(name):
        return None
    quit_day = make_date(year, m, day)
    if quit_day is None:
        return None
    return plus_days(quit_day, days)""")

w("yesterday_ate_pizzas", "Yesterday, {month: word} {day: int}, {year: int}, {name: word} ate {pizzas: int} pizzas and {wings: int} wings.",
  "today is the day after the stated date",
  """    m = parse_month(month)
    if m is None or not is_name(name):
        return None
    yesterday = make_date(year, m, day)
    if yesterday is None:
        return None
    return plus_days(yesterday, 1)""")

w("like_yesterday_years_ago", "{month: word} {day: int}, {year: int} is like yesterday to {name: word}, but that is actually {years: word} years ago.",
  "today is the stated date plus that many years",
  """    m = parse_month(month)
    count = parse_count(years)
    if m is None or count is None or not is_name(name):
        return None
    then = make_date(year, m, day)
    if then is None:
        return None
    return add_months(then, 12 * count)""")

w("married_named_anniversary", "{name: word} and {partner: word} married on {month: word} {day: int}, {year: int}. Today is their {kind: word} wedding anniversary.",
  "today is the wedding date plus the years of the named anniversary (silver 25, ruby 40, golden 50, diamond 60)",
  """    m = parse_month(month)
    named = {"silver": 25, "ruby": 40, "golden": 50, "diamond": 60}
    if m is None or not is_name(name) or not is_name(partner) or kind.lower() not in named:
        return None
    wedding = make_date(year, m, day)
    if wedding is None:
        return None
    return add_months(wedding, 12 * named[kind.lower()])""")

w("born_last_day_of_month", "{name: word} was born on the last day of {month: word} in {year: int}. Today is her {age: int}-year-old birthday.",
  "today is the last day of the birth month, `age` years after the birth year (so a 29 February birthday falls on the 28th in common years)",
  """    m = parse_month(month)
    if m is None or not is_name(name) or age < 1:
        return None
    birthday_year = year + age
    return make_date(birthday_year, m, days_in_month(birthday_year, m))""")

w("ran_out_of_eggs", "On {month: word} {day: word}, {year: int} {name: word} bought {eggs: int} eggs. She ate one per day. Today she ran out of eggs.",
  "today is the purchase date plus one day per egg",
  """    m = parse_month(month)
    d = parse_ordinal(day)
    if m is None or d is None or not is_name(name) or eggs < 1:
        return None
    bought = make_date(year, m, d)
    if bought is None:
        return None
    return plus_days(bought, eggs)""")

w("bookstore_monthly_visit", "{name: word} visits the bookstore on the {day: word} of each month starting from the {month: word} of {year: int}. It is her {visit: word} visit to the bookstore today.",
  "the first visit is that day of the starting month; today is `visit - 1` months later",
  """    m = parse_month(month)
    d = parse_ordinal(day)
    n = parse_ordinal(visit)
    if m is None or d is None or n is None or n < 1 or not is_name(name):
        return None
    first = make_date(year, m, d)
    if first is None:
        return None
    return add_months(first, n - 1)""")

w("it_was_a_week_ago", "It was {month: word} {day: word}, {year: int} a week ago.",
  'today is seven days after the stated date ("Sept. 1st, 2021")',
  """    m = parse_month(month)
    d = parse_ordinal(day)
    if m is None or d is None:
        return None
    week_ago = make_date(year, m, d)
    if week_ago is None:
        return None
    return plus_days(week_ago, 7)""")

w("work_anniversary", "{name: word} got her job in {year: int}. Today is her {years: int}-year work anniversary. She still remember that on {month: word} {day: int}, her second day at work, she spilled coffee on her laptop.",
  "the first day at work is the day before the stated second day (in the job's year); today is that many years later",
  """    m = parse_month(month)
    if m is None or not is_name(name) or years < 1:
        return None
    second_day = make_date(year, m, day)
    if second_day is None:
        return None
    first_day = plus_days(second_day, -1)
    if first_day is None or first_day.year != year:
        return None
    return add_months(first_day, 12 * years)""")

w("nth_day_of_nth_month", "Today is the {day: word} day of the {month: word} month of {year: int}.",
  "today is that day of that month, both given as ordinal words",
  """    d = parse_ordinal(day)
    m = parse_ordinal(month)
    if d is None or m is None:
        return None
    return make_date(year, m, d)""")

w("first_or_last_day_of_year", ["Today is the {which: word} day of {year: int}.", "This is the {which: word} day of {year: int}."],
  "today is 1 January (first) or 31 December (last) of the year",
  """    if which.lower() == "first":
        return make_date(year, 1, 1)
    if which.lower() == "last":
        return make_date(year, 12, 31)
    return None""")

w("day_of_quarter", "Today is the {which: word} day of the {quarter: word} quarter of {year: int}.",
  "today is the first or last day of the quarter (first = January to March, ...)",
  """    q = parse_ordinal(quarter)
    if q is None or q < 1 or q > 4:
        return None
    if which.lower() == "first":
        return make_date(year, 3 * q - 2, 1)
    if which.lower() == "last":
        return make_date(year, 3 * q, days_in_month(year, 3 * q))
    return None""")

w("palindrome_day", "Today is the palindrome day of {year: int}, because the MMDDYYYY format of the date is the same backwards as forwards.",
  "MMDD is the year's four digits reversed",
  """    if year < YEAR_MIN or year > YEAR_MAX:
        return None
    digits = pad(year, 4)
    mmdd = digits[::-1]
    m = parse_int(mmdd[:2])
    d = parse_int(mmdd[2:])
    if m is None or d is None:
        return None
    return make_date(year, m, d)""")

w("first_weekday_of_year", "The first day of {year: int} is a {first_weekday: word}, and today is the first {weekday: word} of {same_year: int}.",
  "today is the first day of the year moved forward to the asked weekday, counting from the weekday stated for 1 January",
  """    if same_year != year or first_weekday.lower() not in WEEKDAYS or weekday.lower() not in WEEKDAYS:
        return None
    gap = (WEEKDAYS.index(weekday.lower()) - WEEKDAYS.index(first_weekday.lower())) % 7
    new_year = make_date(year, 1, 1)
    if new_year is None:
        return None
    return plus_days(new_year, gap)""")

w("meteor_shower_in_year", "Today is {month_day: word}, and it is {name: word}'s second time in the year {year: int} to see a meteor shower.",
  "today is the stated M/D in the stated year",
  """    parts = month_day.split("/")
    if len(parts) != 2 or not all(p.isdigit() and len(p) <= 2 for p in parts) or not is_name(name):
        return None
    m = parse_int(parts[0])
    d = parse_int(parts[1])
    if m is None or d is None:
        return None
    return make_date(year, m, d)""")


QUESTION = " What is the date {question: str} in MM/DD/YYYY? Options: {options: str}"


def lit(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'


def main() -> None:
    ex = json.loads(DATA.read_text())['examples']
    for wd in W:
        ctx = wd['pattern'] if isinstance(wd['pattern'], list) else [wd['pattern']]
        patterns = [c + QUESTION for c in ctx]
        _, kinds = h.compile_pattern(patterns[0])
        holes = list(kinds)
        ctx_holes = [n for n in holes if n not in ('question', 'options')]
        pytype = {'str': 'str', 'word': 'str', 'int': 'int'}
        sig_ctx = ", ".join(f"{n}: {pytype[kinds[n]]}" for n in ctx_holes)
        sig_all = ", ".join(f"{n}: {pytype[kinds[n]]}" for n in holes)
        names_ctx = ", ".join(ctx_holes)
        names_all = ", ".join(holes)
        matching = [e for e in ex if h.match_patterns(patterns, e['input']) is not None]
        assert len(matching) >= 3, (wd['slug'], len(matching))
        task = f"date_understanding__{wd['slug']}"
        shown = "\n".join("#   " + p for p in patterns)
        first = matching[0]['input'].split(' What is the date')[0]
        header = f"""# Family: {task} (BIG-Bench Hard date_understanding, one wording)
#
# date_understanding is not one family: its instances use some forty context wordings, and
# each wording needs its own way to find today's date. This family is one wording:
#
#   "{first}"
#
# How today is found: {wd['how']}.
# The question moves from today ("today", "tomorrow", "yesterday", "a month ago", "one week
# from today", "one week ago from today", "10 days ago", "24 hours later", "one year ago from
# today"; a month or year back keeps the day of the month, clamped to the month's end), and
# the answer is the letter of the option, e.g. "(B)", that shows that date as MM/DD/YYYY.
#
# Pattern(s):
{shown}
# Precondition: the context parses into a real date, the question is one of the forms above,
# the options are lettered MM/DD/YYYY dates, and exactly one option is the answer.
"""
        body = wd['body']
        src = header + COMMON + f"""

# ---- this wording ----------------------------------------------------------------------------


def today_from({sig_ctx}) -> date | None:
{body}


def answer({sig_all}) -> str | None:
    today = today_from({names_ctx})
    if today is None:
        return None
    target = move(today, question)
    if target is None:
        return None
    return pick_option(options, target)


@requires(lambda {names_all}: answer({names_all}) is not None)
@ensures(lambda {names_all}, result: len(result) == 3 and result[1] in LETTERS)
def solve({sig_all}) -> str:
    result = answer({names_all})
    assert result is not None
    return result

"""
        examples = []
        for e in matching[:3]:
            b = h.match_patterns(patterns, e['input'])
            args = []
            for n in holes:
                v = b[n]
                args.append(str(v) if kinds[n] == 'int' else lit(v))
            examples.append(f"assert solve({', '.join(args)}) == {lit(e['target'])}")
        src += "\n" + "\n".join(examples) + "\n" + PROPS
        (OUT / f"{task}.sgl").write_text(src)
        meta = {"task": task,
                "description": f"date_understanding, one wording: {wd['how']}; move by the question and answer the option letter of the MM/DD/YYYY date.",
                "entry": "solve", "patterns": patterns, "samples": [e['input'] for e in matching[:3]]}
        (OUT / f"{task}.json").write_text(json.dumps(meta, indent=2) + "\n")
        print(task, len(matching))


if __name__ == '__main__':
    main()
