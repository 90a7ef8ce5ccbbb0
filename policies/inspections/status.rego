# METADATA
# title: Inspections of annex 4 (征信信息安全巡查试行办法) — what is due, overdue, late or missing
# description: |
#   Reads data.annex4, which the host compiles from inspections.yaml (the team size), and an
#   input of date points the host computes on the working-day calendar: each inspection's report and
#   rectification due dates and the days they came, each institution's coverage due date, each
#   organizing unit's plan years. Dates are whole day numbers (`day`) and working-day ordinals (`wo`),
#   so everything here is integer comparison. No number or clause is written here.
package inspections.status

rules := data.annex4

# ---- one stage: a deadline and the act that meets it ----------------------------------------------

span(from, to) := {"days": to.day - from.day, "workingDays": to.wo - from.wo} if {
	is_number(from.wo)
	is_number(to.wo)
}

else := {"days": to.day - from.day}

done(stage) if is_object(stage.done)

started(stage) if is_object(stage.due)

# A stage whose clock has not started (no fieldwork end, no report) is waiting; an act on the due day
# itself is on time.
classify(stage) := {"status": "waiting"} if not started(stage)

else := {"status": "on-time", "due": stage.due.day, "early": span(stage.done, stage.due)} if {
	done(stage)
	stage.done.day <= stage.due.day
}

else := {"status": "late", "due": stage.due.day, "late": span(stage.due, stage.done)} if {
	done(stage)
}

else := {"status": "overdue", "due": stage.due.day, "overdue": span(stage.due, as_of)} if {
	as_of := input.asOf
	as_of.day > stage.due.day
}

else := {"status": "due", "due": stage.due.day, "left": span(input.asOf, stage.due)}

# ---- one inspection --------------------------------------------------------------------------------

team_ok(i) if i.team >= rules.teamAtLeast

team_ok(i) := false if not i.team >= rules.teamAtLeast

on_site(i) if {
	is_number(i.fieldworkFrom)
	i.fieldworkFrom <= input.asOf.day
}

stages(i) := {"report": classify(i.report), "rectification": rectification(i)}

rectification(i) := {"status": "not-owed"} if i.rectificationOwed == false

else := classify(i.rectification)

stage_statuses(i) := {s.status | some s in stages(i)}

# The inspection as a whole: planned until the fieldwork starts; overdue when any stage is past its
# day undone; due while one is still open; late when all came but one after its day; else complete.
# The bodies that open with a string stay in braces: opa fmt 1.22.3 writes `else := "x" if "y" in s`
# followed by another else with the head value twice (`if "x" if ...`) and then refuses its own output.
overall(i) := "planned" if not on_site(i)

else := "overdue" if {
	"overdue" in stage_statuses(i)
}

else := "due" if {
	some s in stage_statuses(i)
	s in {"due", "waiting"}
}

else := "late" if {
	"late" in stage_statuses(i)
}

else := "complete"

inspection(i) := {
	"key": i.key,
	"status": overall(i),
	"team": {"ok": team_ok(i), "size": i.team, "atLeast": rules.teamAtLeast},
	"stages": stages(i),
}

# ---- coverage and plans ----------------------------------------------------------------------------

# An institution inspected whose next inspection is not yet due is covered; one never inspected is due
# until its first window ends; past its due day without an inspection it is missing.
coverage(c) := {"key": c.key, "status": "covered", "due": c.due.day, "left": span(input.asOf, c.due)} if {
	c.inspected
	c.due.day >= input.asOf.day
}

else := {"key": c.key, "status": "due", "due": c.due.day, "left": span(input.asOf, c.due)} if {
	c.due.day >= input.asOf.day
}

else := {"key": c.key, "status": "missing", "due": c.due.day, "overdue": span(c.due, input.asOf)}

plan(p) := {"key": p.key, "status": "present"} if p.present

else := {"key": p.key, "status": "missing"}

# METADATA
# description: The status of every inspection, institution and plan year of the input.
# entrypoint: true
evaluate := {
	"inspections": [inspection(i) | some i in input.inspections],
	"coverage": [coverage(c) | some c in input.coverage],
	"plans": [plan(p) | some p in input.plans],
}
