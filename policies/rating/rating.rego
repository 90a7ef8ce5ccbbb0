# METADATA
# title: Annual rating of access institutions (银发〔2018〕102号 附件3)
# description: |
#   Generic scoring and grading. Every number comes from data.ruleset, which the host compiles from
#   the YAML rule files; points are whole hundredths of a point so that compiled (WASM) and
#   interpreted evaluation agree exactly (OPA issue #3298). Nothing here names an item or a clause.
package rating

rs := data.ruleset

findings := object.get(input, "findings", {})

circumstances := object.get(input, "circumstances", {})

institution := object.get(input, "institution", {})

# 第九条: an institution connected in the rating year is not rated.
not_rated if institution.newlyConnected == true

# 第二十一条: the institutions of annex 1 are national; every other one is local. A branch takes
# the type of the institution it belongs to.
legal_entity := object.get(institution, "branchOf", object.get(institution, "name", ""))

institution_type := "national" if rs.national[legal_entity]

else := "local"

# ---- one rule of one item ---------------------------------------------------------------------

value(rule) := object.get(object.get(findings, rule.item, {}), rule.finding, rule.absent)

fired(rule) := d if {
	rule.kind == "perOccurrence"
	n := value(rule)
	n > 0
	raw := n * rule.points
	amount := capped(raw, rule.cap)
	d := {"rule": rule.id, "count": n, "points": amount, "capped": raw > amount}
}

fired(rule) := {"rule": rule.id, "count": 1, "points": rule.points} if {
	rule.kind == "fixed"
	value(rule) == true
}

# The first tier the measured value falls in (the check command proves there is exactly one).
tier_of(rule) := min({j | some j, t in rule.tiers; in_tier(value(rule), t.when)}) if value(rule) != null

fired(rule) := d if {
	rule.kind == "tiers"
	v := value(rule)
	i := tier_of(rule)
	t := rule.tiers[i]
	outcome(t)
	d := object.union({"rule": rule.id, "count": 1, "value": v, "tier": i}, outcome_fields(t))
}

fired(rule) := d if {
	rule.kind == "choice"
	v := value(rule)
	o := rule.options[v]
	outcome(o)
	d := object.union({"rule": rule.id, "count": 1, "value": v}, outcome_fields(o))
}

fired(rule) := {"rule": rule.id, "count": n, "points": 0, "zero": true} if {
	rule.kind == "zeroIf"
	n := occurrences(value(rule))
	n >= rule.atLeast
}

fired(rule) := {"rule": rule.id, "count": 1, "points": rule.points, "bonus": true} if {
	rule.kind == "bonus"
	value(rule) == true
}

capped(raw, cap) := raw if cap == null

capped(raw, cap) := min([raw, cap]) if cap != null

occurrences(v) := 1 if v == true

occurrences(v) := 0 if v == false

occurrences(v) := v if is_number(v)

in_tier(v, when) if {
	v >= object.get(when, "gte", v)
	v <= object.get(when, "lte", v)
	not below_gt(v, when)
	not above_lt(v, when)
}

below_gt(v, when) if v <= when.gt

above_lt(v, when) if v >= when.lt

outcome(t) if t.zero

outcome(t) if t.deduct > 0

outcome_fields(t) := {"points": 0, "zero": true} if t.zero

else := {"points": t.deduct}

# ---- one item -----------------------------------------------------------------------------------

item_result(item) := {
	"id": item.id,
	"score": score,
	"deductions": ds,
	"floored": floored,
} if {
	ds := [d | some rule in item.rules; d := fired(rule)]
	zeroed := count([d | some d in ds; d.zero]) > 0
	bonus := sum([d.points | some d in ds; d.bonus])
	deducted := sum([d.points | some d in ds; not d.bonus])
	score := item_score(item, zeroed, deducted, bonus)
	floored := is_floored(item, zeroed, deducted)
}

# 扣完为止: deductions beyond the item's points are reported, never carried elsewhere.
is_floored(item, zeroed, deducted) if {
	not zeroed
	not item.bonus
	deducted > item.max
}

else := false

item_score(item, zeroed, deducted, bonus) := 0 if zeroed

else := min([bonus, item.max]) if item.bonus

else := max([0, item.max - deducted])

# ---- the whole table ----------------------------------------------------------------------------

items := [item_result(item) | some item in rs.items]

item_scores := {r.id: r.score | some r in items}

dimensions := [{"id": dim.id, "score": sum([item_scores[id] | some id in dim.items])} | some dim in rs.dimensions]

subtotal := sum([r.score | some r in items])

# 18(3): the bonus never lifts the total past full marks.
total := min([subtotal, rs.totalCap])

# ---- 第十五条 / 第十六条 triggers --------------------------------------------------------------------

holds(cond) if {
	cond.type == "flag"
	object.get(circumstances, cond.circumstance, false) == true
}

holds(cond) if {
	cond.type == "count"
	object.get(circumstances, cond.circumstance, 0) >= cond.atLeast[institution_type]
}

fires(trigger) if {
	every cond in trigger.conditions {
		holds(cond)
	}
}

zero_score_triggers := [t.id | some t in rs.zeroScore.triggers; fires(t)]

downgrade_triggers := [t.id | some t in rs.downgrade.triggers; fires(t)]

zero_score := count(zero_score_triggers) > 0

score := 0 if zero_score

else := total

# ---- 第十四条 bands and 第十五条 downgrade --------------------------------------------------------------

# Bands are ordered from the highest; a score takes the first band whose lower bound it reaches.
base_grade := [b.grade | some b in rs.bands; score >= b.from][0]

base_index := [i | some i, g in rs.gradeOrder; g == base_grade][0]

downgraded if {
	count(downgrade_triggers) > 0
	not zero_score
}

final_index := min([base_index + rs.downgrade.steps, count(rs.gradeOrder) - 1]) if downgraded

else := base_index

grade := rs.gradeOrder[final_index]

measures := "zero" if zero_score

else := grade

# ---- interpretations relied on ------------------------------------------------------------------

fired_ids := {d.rule | some r in items; some d in r.deductions}

# A rule is relied on when it deducted, or when it read a measured value (a tier or a choice
# decides the item's points even when it deducts nothing).
relied_on(rule) if fired_ids[rule.id]

relied_on(rule) if {
	rule.kind in {"tiers", "choice"}
	value(rule) != null
}

matched_tiers := {sprintf("%s#%d", [rule.id, tier_of(rule)]) |
	some item in rs.items
	some rule in item.rules
	rule.kind == "tiers"
}

interpretations contains id if {
	not not_rated
	some item in rs.items
	some id in item.interpretations
}

interpretations contains id if {
	not not_rated
	some item in rs.items
	some rule in item.rules
	relied_on(rule)
	some id in rule.interpretations
}

interpretations contains id if {
	not not_rated
	some key, ids in rs.tierInterpretations
	matched_tiers[key]
	some id in ids
}

interpretations contains id if {
	some t in array.concat(rs.downgrade.triggers, rs.zeroScore.triggers)
	fires(t)
	some id in t.interpretations
}

# A score between two written bands (89.5 lies between 75-89 and 90-100).
interpretations contains rs.bandsInterpretation if score % 100 != 0

interpretations contains rs.downgrade.floorInterpretation if {
	downgraded
	base_index + rs.downgrade.steps >= count(rs.gradeOrder)
}

interpretations contains rs.downgrade.onceInterpretation if {
	downgraded
	count(downgrade_triggers) > 1
}

interpretations contains rs.zeroScoreInterpretation if zero_score

interpretations contains rs.notRatedInterpretation if not_rated

interpretations contains rs.institutionInterpretation if institution.branchOf

# ---- the result ---------------------------------------------------------------------------------

result := {
	"rated": false,
	"institutionType": institution_type,
	"interpretations": interpretations,
} if not_rated

else := {
	"rated": true,
	"institutionType": institution_type,
	"items": items,
	"dimensions": dimensions,
	"subtotal": subtotal,
	"total": total,
	"score": score,
	"zeroScore": zero_score_triggers,
	"baseGrade": base_grade,
	"downgrade": downgrade_triggers,
	"grade": grade,
	"measures": measures,
	"interpretations": interpretations,
}
