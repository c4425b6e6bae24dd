# Helpers of the goabi link tests (sourced after ../lib.sh). goabi link
# prints the one result model (JSON schema 2); tests/cli/link_view.py
# gathers its facts (verdict, duplicate and undefined sets, findings,
# inputs and the members pulled, DT_NEEDED) for comparison with ld.
export PYTHONPATH="$TOP/tests/cli${PYTHONPATH:+:$PYTHONPATH}"
# ljget FILE PYTHON-EXPR: j = the facts of a goabi link --json result (link_view.view)
ljget() {
	python3 -c 'import json,sys; from link_view import view; j=view(json.load(open(sys.argv[1]))); print(eval(sys.argv[2]))' "$1" "$2"
}
