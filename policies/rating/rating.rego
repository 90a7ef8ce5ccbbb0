# METADATA
# title: Annual rating of access institutions (银发〔2018〕102号 附件3)
# description: |
#   Generic scoring and grading. Every number comes from data.ruleset, which the host compiles from
#   the YAML rule files; points are whole hundredths of a point so that compiled (WASM) and
#   interpreted evaluation agree exactly (OPA issue #3298). Nothing here names an item or a clause.
#   Work follows the input: only the findings and circumstances an input gives are looked at, each
#   through the index of the rules that read it, so a clean institution costs almost nothing.
package rating

rs := data.ruleset

findings := object.get(input, "findings", {})

circumstances := object.get(input, "circumstances", {})

institution := object.get(input, "institution", {})

# 第九条: an institution connected in the rating year is not rated.
newly_connected if institution.newlyConnected == true

rated if not newly_connected

# 第二十一条: the institutions of annex 1 are national; every other one is local. A branch takes
# the type of the institution it belongs to.
legal_entity := object.get(institution, "branchOf", object.get(institution, "name", ""))

default institution_type := "local"

institution_type := "national" if rs.national[legal_entity]

# ---- the rules an input sets off ----------------------------------------------------------------

# The items whose rules read a finding the input gives (mostly the item itself; 3.2 also reads 3.1's
# no-audit finding). Every other item keeps its untouched score and is not looked at.
candidates contains owner if {
	some item_id, _ in findings
	some owner in object.get(rs.ownersReading, item_id, [])
}

# One record per rule of an item that reads a given finding. A record `deducts` when it changes the
# item's points; tier and choice records exist either way, since their reading decided the points.
records_of(owner) := [rec |
	some rule in rs.rulesOf[owner]
	v := object.get(object.get(findings, rule.reads, {}), rule.finding, null)
	v != null
	rec := record(rule, v)
]

evaluated[owner] := records_of(owner) if some owner in candidates

record(rule, v) := {"rule": rule, "deducts": true, "d": d} if {
	rule.kind == "perOccurrence"
	v > 0
	raw := v * rule.points
	amount := capped(raw, rule.cap)
	d := {"rule": rule.id, "order": rule.order, "count": v, "points": amount, "capped": raw > amount}
}

record(rule, v) := {"rule": rule, "deducts": true, "d": d} if {
	rule.kind == "fixed"
	v == true
	d := {"rule": rule.id, "order": rule.order, "count": 1, "points": rule.points}
}

record(rule, v) := {"rule": rule, "deducts": true, "d": d} if {
	rule.kind == "zeroIf"
	n := occurrences(v)
	n >= rule.atLeast
	d := {"rule": rule.id, "order": rule.order, "count": n, "points": 0, "zero": true}
}

record(rule, v) := {"rule": rule, "deducts": true, "d": d} if {
	rule.kind == "bonus"
	v == true
	d := {"rule": rule.id, "order": rule.order, "count": 1, "points": rule.points, "bonus": true}
}

record(rule, v) := {"rule": rule, "tier": t, "deducts": outcome(t), "d": d} if {
	rule.kind == "tiers"
	i := min({j | some j, t in rule.tiers; in_tier(v, t.when)})
	t := rule.tiers[i]
	d := object.union({"rule": rule.id, "order": rule.order, "count": 1, "value": v, "tier": i}, outcome_fields(t))
}

record(rule, v) := {"rule": rule, "tier": o, "deducts": outcome(o), "d": d} if {
	rule.kind == "choice"
	o := rule.options[v]
	d := object.union({"rule": rule.id, "order": rule.order, "count": 1, "value": v}, outcome_fields(o))
}

capped(raw, null) := raw

capped(raw, cap) := min([raw, cap]) if cap != null

occurrences(true) := 1

occurrences(false) := 0

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

else := t.deduct > 0

outcome_fields(t) := {"points": 0, "zero": true} if t.zero

else := {"points": t.deduct}

# ---- the items the input touches; every other item keeps its full points ------------------------

items := [item_result(id, ds) |
	some id, recs in evaluated
	ds := [rec.d | some rec in recs; rec.deducts]
	count(ds) > 0
]

item_result(id, ds) := {
	"id": id,
	"score": score,
	"deductions": ds,
	"floored": floored,
} if {
	info := rs.itemInfo[id]
	zeroed := count([d | some d in ds; d.zero]) > 0
	bonus := sum([d.points | some d in ds; d.bonus])
	deducted := sum([d.points | some d in ds; not d.bonus])
	score := item_score(info, zeroed, deducted, bonus)
	floored := is_floored(info, zeroed, deducted)
}

# 扣完为止: deductions beyond the item's points are reported, never carried elsewhere.
is_floored(info, zeroed, deducted) if {
	not zeroed
	not info.bonus
	deducted > info.max
}

else := false

item_score(info, zeroed, deducted, bonus) := 0 if zeroed == true

else := min([bonus, info.max]) if info.bonus

else := max([0, info.max - deducted])

# What each touched item moved from its untouched score (its max, or 0 for the bonus item), by
# dimension: computed once, read by the subtotals below.
changes := [[rs.itemInfo[r.id].dimension, r.score - rs.itemInfo[r.id].base] | some r in items]

dimensions := [{"id": dim.id, "score": dim.base + sum([c | some [d, c] in changes; d == dim.id])} |
	some dim in rs.dimensions
]

subtotal := rs.baseTotal + sum([c | some [_, c] in changes])

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

# Only triggers that read a circumstance the input gives can fire.
fired_triggers[t.id] := t if {
	some name, _ in circumstances
	some t in object.get(rs.triggersByCircumstance, name, [])
	every cond in t.conditions {
		holds(cond)
	}
}

zero_score_triggers := [t.id | some t in rs.zeroScore.triggers; fired_triggers[t.id]]

downgrade_triggers := [t.id | some t in rs.downgrade.triggers; fired_triggers[t.id]]

zero_score if count(zero_score_triggers) > 0

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

# 第十七条（五）: a result of 0 points, whether set by 第十六条 or reached through the table.
measures := "zero" if score == 0

else := grade

# ---- interpretations relied on ------------------------------------------------------------------

interpretations contains id if {
	rated
	some id in rs.itemInterpretations
}

# A rule is relied on when it deducted, or when it read a measured value (a tier or a choice
# decides the item's points even when it deducts nothing); a tier when the value fell in it.
interpretations contains id if {
	rated
	some recs in evaluated
	some rec in recs
	some id in array.concat(rec.rule.interpretations, object.get(rec, ["tier", "interpretations"], []))
}

interpretations contains id if {
	some t in fired_triggers
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

interpretations contains rs.zeroScoreInterpretation if score == 0

interpretations contains rs.notRatedInterpretation if newly_connected

interpretations contains rs.institutionInterpretation if institution.branchOf

# ---- the result ---------------------------------------------------------------------------------

# METADATA
# description: The compact rating of one input; the host joins in names and clause text.
# entrypoint: true
result := {
	"rated": false,
	"institutionType": institution_type,
	"interpretations": interpretations,
} if newly_connected

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
