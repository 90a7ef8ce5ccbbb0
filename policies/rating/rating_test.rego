# Unit tests of the generic rating logic on a small synthetic table, independent of any ruleset's
# numbers. Run on both targets: `opa test -t rego` and `opa test -t wasm`. The table has the shape of
# the data the host compiles (test/check/rego.test.ts validates it against
# schemas/policy/data.schema.json); compiled_test.rego runs on the compiler's own output.
package rating_test

import data.rating

rule_a_per := {
	"id": "a:per", "kind": "perOccurrence", "reads": "a", "finding": "n", "order": 0,
	"interpretations": ["iper"], "points": 20, "cap": null,
}

rule_a_capped := {
	"id": "a:capped", "kind": "perOccurrence", "reads": "a", "finding": "m", "order": 1,
	"interpretations": [], "points": 50, "cap": 60,
}

rule_a_fixed := {
	"id": "a:fixed", "kind": "fixed", "reads": "a", "finding": "f", "order": 2,
	"interpretations": [], "points": 50,
}

rule_b_tiers := {
	"id": "b:tiers", "kind": "tiers", "reads": "b", "finding": "v", "order": 3,
	"interpretations": [], "tiers": [
		{"when": {"gte": 80}, "deduct": 0, "zero": false, "interpretations": []},
		{"when": {"gte": 60, "lt": 80}, "deduct": 100, "zero": false, "interpretations": ["itier"]},
		{"when": {"lt": 60}, "deduct": 0, "zero": true, "interpretations": []},
	],
}

# b's zero rule reads a's flag, as 3.2 reads 3.1's no-audit finding.
rule_b_zero := {
	"id": "b:zero", "kind": "zeroIf", "reads": "a", "finding": "f", "order": 4,
	"interpretations": [], "atLeast": 1,
}

rule_c_choice := {
	"id": "c:choice", "kind": "choice", "reads": "c", "finding": "k", "order": 5,
	"interpretations": [], "options": {
		"good": {"deduct": 0, "zero": false, "interpretations": []},
		"fair": {"deduct": 100, "zero": false, "interpretations": []},
	},
}

rule_x_bonus := {
	"id": "x:bonus", "kind": "bonus", "reads": "x", "finding": "b", "order": 6,
	"interpretations": [], "points": 200,
}

down_flag := {
	"id": "down-flag", "interpretations": [],
	"conditions": [{"circumstance": "bad", "type": "flag", "atLeast": {"national": 1, "local": 1}}],
}

down_count := {
	"id": "down-count", "interpretations": [],
	"conditions": [{"circumstance": "events", "type": "count", "atLeast": {"national": 3, "local": 3}}],
}

zero_penalties := {"id": "zero-penalties", "interpretations": [], "conditions": [
	{"circumstance": "penalties", "type": "count", "atLeast": {"national": 5, "local": 3}},
	{"circumstance": "unremedied", "type": "flag", "atLeast": {"national": 1, "local": 1}},
]}

table := {
	"id": "synthetic",
	"rulesOf": {
		"a": [rule_a_per, rule_a_capped, rule_a_fixed],
		"b": [rule_b_tiers, rule_b_zero],
		"c": [rule_c_choice],
		"x": [rule_x_bonus],
	},
	"ownersReading": {"a": ["a", "b"], "b": ["b"], "c": ["c"], "x": ["x"]},
	"itemInfo": {
		"a": {"max": 100, "bonus": false, "base": 100, "dimension": "d1"},
		"b": {"max": 200, "bonus": false, "base": 200, "dimension": "d1"},
		"c": {"max": 200, "bonus": false, "base": 200, "dimension": "d2"},
		"x": {"max": 300, "bonus": true, "base": 0, "dimension": "d2"},
	},
	"itemInterpretations": ["ib"],
	"dimensions": [{"id": "d1", "base": 300}, {"id": "d2", "base": 200}],
	"baseTotal": 500,
	"totalCap": 500,
	"bands": [{"grade": "A", "from": 450}, {"grade": "B", "from": 300}, {"grade": "D", "from": 0}],
	"gradeOrder": ["A", "B", "D"],
	"bandsInterpretation": "ibands",
	"downgrade": {
		"steps": 1, "floorInterpretation": "ifloor", "onceInterpretation": "ionce",
		"triggers": [down_flag, down_count],
	},
	"zeroScore": {"triggers": [zero_penalties]},
	"triggersByCircumstance": {
		"bad": [down_flag], "events": [down_count],
		"penalties": [zero_penalties], "unremedied": [zero_penalties],
	},
	"zeroScoreInterpretation": "izero",
	"notRatedInterpretation": "inew",
	"institutionInterpretation": "ibranch",
	"national": {"Big Bank": true},
}

clean := {"institution": {"name": "Small Bank"}, "year": 2023, "findings": {"b": {"v": 100}, "c": {"k": "good"}}}

with_findings(f) := object.union(clean, {"findings": object.union(clean.findings, f)})

result_of(inp) := r if r := rating.result with data.ruleset as table with input as inp

item(r, id) := [i | some i in r.items; i.id == id][0]

test_clean_scores_every_item_in_full if {
	r := result_of(clean)
	r.items == []
	r.dimensions == [{"id": "d1", "score": 300}, {"id": "d2", "score": 200}]
	r.score == 500
	r.grade == "A"
	r.institutionType == "local"
}

test_per_occurrence_multiplies_in_hundredths if {
	r := result_of(with_findings({"a": {"n": 3}}))
	item(r, "a").score == 40
	item(r, "a").deductions == [{"rule": "a:per", "order": 0, "count": 3, "points": 60, "capped": false}]
	r.interpretations == {"ib", "iper", "ibands"}
}

test_cap_limits_and_floor_stops_at_zero if {
	r := result_of(with_findings({"a": {"m": 2, "n": 4}}))
	{d.rule: d.points | some d in item(r, "a").deductions} == {"a:per": 80, "a:capped": 60}
	item(r, "a").score == 0
	item(r, "a").floored
}

test_fixed_deduction_once if {
	r := result_of(with_findings({"a": {"f": true}}))
	item(r, "a").score == 50
}

test_zero_if_reads_another_items_finding if {
	r := result_of(with_findings({"a": {"f": true}}))
	item(r, "b").score == 0
	not item(r, "b").floored
}

test_tier_boundaries if {
	full := result_of(with_findings({"b": {"v": 80}}))
	full.items == []
	full.score == 500
	item(result_of(with_findings({"b": {"v": 79.99}})), "b").score == 100
	item(result_of(with_findings({"b": {"v": 60}})), "b").score == 100
	item(result_of(with_findings({"b": {"v": 59.99}})), "b").score == 0
	"itier" in result_of(with_findings({"b": {"v": 70}})).interpretations
}

test_choice_option if {
	item(result_of(with_findings({"c": {"k": "fair"}})), "c").score == 100
}

test_bonus_adds_and_total_is_capped if {
	r := result_of(with_findings({"x": {"b": true}}))
	item(r, "x").score == 200
	r.subtotal == 700
	r.total == 500
}

test_fractional_score_takes_lower_band if {
	r := result_of(with_findings({"a": {"n": 1}, "b": {"v": 70}, "c": {"k": "fair"}, "x": {"b": true}}))
	r.score == 480
	r.grade == "A"
	r2 := result_of(with_findings({"a": {"n": 1}, "b": {"v": 70}, "c": {"k": "fair"}}))
	r2.score == 280
	r2.grade == "D"
	"ibands" in r2.interpretations
}

test_downgrade_one_step_for_several_triggers if {
	r := result_of(object.union(clean, {"circumstances": {"bad": true, "events": 3}}))
	r.baseGrade == "A"
	r.grade == "B"
	r.downgrade == ["down-flag", "down-count"]
	"ionce" in r.interpretations
}

test_count_trigger_below_threshold if {
	r := result_of(object.union(clean, {"circumstances": {"events": 2}}))
	r.grade == "A"
	r.downgrade == []
}

test_downgrade_never_below_last_grade if {
	r := result_of(object.union(
		with_findings({"a": {"n": 5}, "b": {"v": 10}, "c": {"k": "fair"}}),
		{"circumstances": {"bad": true}},
	))
	r.baseGrade == "D"
	r.grade == "D"
	"ifloor" in r.interpretations
}

test_zero_score_needs_every_condition_and_national_threshold if {
	local := result_of(object.union(clean, {"circumstances": {"penalties": 3, "unremedied": true}}))
	local.score == 0
	local.zeroScore == ["zero-penalties"]
	local.measures == "zero"
	local.grade == "D"
	national := result_of(object.union(clean, {
		"institution": {"name": "Big Bank"},
		"circumstances": {"penalties": 4, "unremedied": true},
	}))
	national.score == 500
	national.institutionType == "national"
	unremedied_missing := result_of(object.union(clean, {"circumstances": {"penalties": 9}}))
	unremedied_missing.zeroScore == []
}

test_branch_takes_type_of_parent if {
	r := result_of(object.union(clean, {"institution": {"name": "Big Bank Shanghai", "branchOf": "Big Bank"}}))
	r.institutionType == "national"
	"ibranch" in r.interpretations
}

test_newly_connected_is_not_rated if {
	r := result_of({"institution": {"name": "New", "newlyConnected": true}, "year": 2023})
	r.rated == false
	r.interpretations == {"inew"}
}
