# Unit tests of the rating logic on the data the host compiles from a real ruleset (src/rules/compile.ts,
# shaped as schemas/policy/data.schema.json), so the shape the Rego reads cannot drift from the one the
# compiler writes. The test runner (src/check/rego.ts) writes that data as data.compiled; `opa test` on
# the Rego alone has none, and these tests fail rather than pass on nothing. They read every number from
# the data, so they hold for any ruleset: the synthetic table of rating_test.rego tests the edge cases.
package rating_compiled_test

import data.rating

compiled := data.compiled.ruleset

clean := {"institution": {"name": "某市农村商业银行"}, "year": 2023, "findings": {}}

result_of(inp) := r if r := rating.result with data.ruleset as compiled with input as inp

# The grade of a score: the first band, highest first, whose lower bound it reaches.
band_of(score) := [b.grade | some b in compiled.bands; score >= b.from][0]

test_a_clean_institution_scores_the_base_total_and_its_band if {
	r := result_of(clean)
	r.items == []
	r.score == min([compiled.baseTotal, compiled.totalCap])
	r.grade == band_of(r.score)
	r.downgrade == []
	r.zeroScore == []
}

per_occurrence := [[owner, rule] |
	some owner, rules in compiled.rulesOf
	some rule in rules
	rule.kind == "perOccurrence"
]

# One occurrence deducts the rule's points, no more than its cap or the item's maximum.
deducts_its_points_once(owner, rule) if {
	r := result_of(object.union(clean, {"findings": {rule.reads: {rule.finding: 1}}}))
	some it in r.items
	it.id == owner
	some d in it.deductions
	d.rule == rule.id
	d.count == 1
	d.points == min([p | some p in [rule.points, rule.cap, compiled.itemInfo[owner].max]; p != null])
}

test_every_per_occurrence_rule_deducts_its_points_for_one_occurrence if {
	count(per_occurrence) > 0
	wrong := [rule.id | some [owner, rule] in per_occurrence; not deducts_its_points_once(owner, rule)]
	wrong == []
}

# The circumstances that meet every condition of a trigger, for a local institution.
meeting(trigger) := {c.circumstance: v |
	some c in trigger.conditions
	v := value_at(c, c.atLeast.local)
}

# One short of a count condition (a flag cannot be one short).
short_of(trigger) := {c.circumstance: v |
	some c in trigger.conditions
	v := value_at(c, c.atLeast.local - 1)
}

value_at(c, _) if c.type == "flag"

value_at(c, n) := n if c.type == "count"

fires_and_downgrades(t) if {
	r := result_of(object.union(clean, {"circumstances": meeting(t)}))
	r.downgrade == [t.id]
	r.baseGrade == band_of(r.score)
	r.grade == compiled.gradeOrder[min([
		[i | some i, g in compiled.gradeOrder; g == r.baseGrade][0] + compiled.downgrade.steps,
		count(compiled.gradeOrder) - 1,
	])]
}

test_every_downgrade_trigger_fires_at_its_threshold_and_lowers_the_grade if {
	count(compiled.downgrade.triggers) > 0
	wrong := [t.id | some t in compiled.downgrade.triggers; not fires_and_downgrades(t)]
	wrong == []
}

test_no_count_trigger_fires_one_short_of_its_threshold if {
	counted := [t | some t in compiled.downgrade.triggers; some c in t.conditions; c.type == "count"]
	count(counted) > 0
	fired := [t.id |
		some t in counted
		count(result_of(object.union(clean, {"circumstances": short_of(t)})).downgrade) > 0
	]
	fired == []
}

test_every_zero_score_trigger_zeroes_the_score if {
	count(compiled.zeroScore.triggers) > 0
	wrong := [t.id |
		some t in compiled.zeroScore.triggers
		r := result_of(object.union(clean, {"circumstances": meeting(t)}))
		not zeroed(r, t)
	]
	wrong == []
}

zeroed(r, t) if {
	r.score == 0
	r.zeroScore == [t.id]
	r.measures == "zero"
}
