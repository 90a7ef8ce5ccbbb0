package inspections.status_test

import data.inspections.status

rules := {"teamAtLeast": 2}

# Day numbers stand for dates; wo for working-day ordinals.
as_of := {"day": 100, "wo": 70}

test_a_report_on_its_day_is_on_time if {
	r := status.evaluate with data.annex4 as rules with input as {
		"asOf": as_of, "coverage": [], "plans": [],
		"inspections": [{
			"key": "a", "team": 2, "fieldworkFrom": 50,
			"report": {"due": {"day": 64, "wo": 44}, "done": {"day": 64, "wo": 44}},
			"rectificationOwed": true,
			"rectification": {"due": {"day": 85, "wo": 59}, "done": {"day": 80, "wo": 56}},
		}],
	}
	r.inspections[0].status == "complete"
	r.inspections[0].stages.report.status == "on-time"
	r.inspections[0].stages.rectification.early == {"days": 5, "workingDays": 3}
}

test_an_open_stage_past_its_day_is_overdue if {
	r := status.evaluate with data.annex4 as rules with input as {
		"asOf": as_of, "coverage": [], "plans": [],
		"inspections": [{
			"key": "b", "team": 1, "fieldworkFrom": 60,
			"report": {"due": {"day": 90, "wo": 62}},
			"rectificationOwed": true, "rectification": {},
		}],
	}
	r.inspections[0].status == "overdue"
	r.inspections[0].stages.report.overdue == {"days": 10, "workingDays": 8}
	r.inspections[0].stages.rectification.status == "waiting"
	r.inspections[0].team == {"ok": false, "size": 1, "atLeast": 2}
}

test_an_open_stage_before_its_day_is_due if {
	r := status.evaluate with data.annex4 as rules with input as {
		"asOf": as_of, "coverage": [], "plans": [],
		"inspections": [{
			"key": "c", "team": 3, "fieldworkFrom": 95,
			"report": {"due": {"day": 110, "wo": 78}},
			"rectificationOwed": true, "rectification": {},
		}],
	}
	r.inspections[0].status == "due"
	r.inspections[0].stages.report.left == {"days": 10, "workingDays": 8}
}

test_fieldwork_not_begun_is_planned_and_no_findings_owes_nothing if {
	r := status.evaluate with data.annex4 as rules with input as {
		"asOf": as_of, "coverage": [], "plans": [],
		"inspections": [
			{"key": "d", "team": 2, "report": {}, "rectificationOwed": true, "rectification": {}},
			{
				"key": "e", "team": 2, "fieldworkFrom": 10,
				"report": {"due": {"day": 24}, "done": {"day": 30}}, "rectificationOwed": false,
			},
		],
	}
	r.inspections[0].status == "planned"
	r.inspections[1].status == "late"
	r.inspections[1].stages.rectification.status == "not-owed"
}

test_coverage_and_plans if {
	r := status.evaluate with data.annex4 as rules with input as {
		"asOf": as_of, "inspections": [], "coverage": [
			{"key": "x", "inspected": true, "due": {"day": 400}},
			{"key": "y", "inspected": false, "due": {"day": 300}},
			{"key": "z", "inspected": true, "due": {"day": 90}},
		],
		"plans": [{"key": "2024", "present": true}, {"key": "2025", "present": false}],
	}
	[c.status | some c in r.coverage] == ["covered", "due", "missing"]
	r.coverage[2].overdue == {"days": 10}
	[p.status | some p in r.plans] == ["present", "missing"]
}
