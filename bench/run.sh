#!/usr/bin/env bash
# Side-by-side benchmark of ai_backends (issue 7). In one run, on this
# machine, against one fake upstream (bench/upstream), it measures:
#
#   direct             the upstream itself: the floor
#   reverse_proxy      Caddy's own reverse_proxy to it: the limit for a module
#   ai_passthrough     ai_backends, OpenAI client -> OpenAI-compatible upstream
#   ai_translated      ai_backends, OpenAI client -> Anthropic upstream
#
# in the scenarios of the issue, then prints the added latency of each target
# over the floor and its ratio to reverse_proxy's (bench/report).
#
# Usage: bench/run.sh            full run, about 7 minutes
#        BENCH_SCALE=0.2 bench/run.sh   every duration x0.2, for a quick look
#        BENCH_REPEAT=3 bench/run.sh    every scenario 3 times, interleaved
#
# Environment: BENCH_SCALE (default 1), BENCH_OUT (results directory,
# default bench/results/<timestamp>), BENCH_ONLY (space-separated scenario
# names to run), BENCH_PORT_BASE (default 19100; uses the next 5 ports),
# BENCH_REPEAT (default 1: how many times each scenario runs all its
# targets; the report gives the medians).
# Everything listens on 127.0.0.1 and stops by itself; Ctrl-C cleans up.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
scale=${BENCH_SCALE:-1}
out=${BENCH_OUT:-$here/results/$(date -u +%Y%m%dT%H%M%SZ)}
only=${BENCH_ONLY:-}
base=${BENCH_PORT_BASE:-19100}
repeat=${BENCH_REPEAT:-1}
if ! [[ $repeat =~ ^[1-9][0-9]*$ ]]; then
	echo "BENCH_REPEAT must be a positive integer, not '$repeat'" >&2
	exit 1
fi
up_port=$base gw_port=$((base + 1)) rp_port=$((base + 2)) admin_port=$((base + 3)) rph2c_port=$((base + 4))
bin=$out/bin
mkdir -p "$bin" "$out/json" "$out/logs" "$out/xdg"

# secs D: D seconds times the scale, at least 1s, as a Go duration.
secs() { awk -v d="$1" -v s="$scale" 'BEGIN { v = d * s; if (v < 1) v = 1; printf "%.1fs", v }'; }

log() { printf '\n### %s\n' "$*"; }

# --- machine --------------------------------------------------------------
cpus=$(nproc)
model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
{
	echo "date:       $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpus:       $cpus ($model)"
	echo "go:         $(go version | cut -d' ' -f3-)"
	echo "code:       $(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "loadavg:    $(cut -d' ' -f1-3 /proc/loadavg) (at start)"
	echo "scale:      $scale"
	# Only with repetitions, so that a single one reports as before.
	if [ "$repeat" -gt 1 ]; then
		echo "repeat:     $repeat (interleaved: each repetition runs every target once)"
	fi
} | tee "$out/machine.txt"

pin_gw="" pin_load=""
if command -v taskset >/dev/null && [ "$cpus" -ge 2 ]; then
	pin_gw="taskset -c 0" pin_load="taskset -c 1"
	echo "pinning:    gateway on CPU 0; load generator and upstream on CPU 1" | tee -a "$out/machine.txt"
else
	echo "pinning:    none (taskset missing or a single CPU): figures are less comparable" | tee -a "$out/machine.txt"
fi

# --- build ------------------------------------------------------------------
log "building caddy, upstream, load, report into $bin"
(cd "$repo" && go build -o "$bin/caddy" ./cmd/caddy && go build -o "$bin/" ./bench/upstream ./bench/load ./bench/report)

# --- processes we start, and their cleanup ------------------------------------
up_pid="" caddy_pid=""
cleanup() {
	[ -n "$caddy_pid" ] && kill "$caddy_pid" 2>/dev/null && wait "$caddy_pid" 2>/dev/null || true
	[ -n "$up_pid" ] && kill "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for p in $up_port $gw_port $rp_port $admin_port $rph2c_port; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		echo "port $p is in use; set BENCH_PORT_BASE" >&2
		exit 1
	fi
done

# wait_http URL: poll until it answers (any status), at most 10 s.
wait_http() {
	for _ in $(seq 100); do
		curl -s -o /dev/null --max-time 1 "$1" && return 0
		sleep 0.1
	done
	echo "no answer from $1" >&2
	return 1
}

$pin_load "$bin/upstream" -addr "127.0.0.1:$up_port" >"$out/logs/upstream.log" 2>&1 &
up_pid=$!
wait_http "http://127.0.0.1:$up_port/"

up="http://127.0.0.1:$up_port"
# One deployment per upstream behaviour; the base URL's /k/ prefix sets it.
cat >"$out/Caddyfile" <<EOF
{
	admin 127.0.0.1:$admin_port
	auto_https off
	persist_config off
	grace_period 1s
}

http://127.0.0.1:$gw_port {
	ai_backends {
		provider oai openai_compatible {
			base_url $up/v1
			models fast
		}
		provider oai50 openai_compatible {
			base_url $up/k/delay=50ms/v1
			models fast50
		}
		provider oaistream openai_compatible {
			base_url $up/k/chunks=20,interval=5ms/v1
			models stream20
		}
		provider oaihold openai_compatible {
			base_url $up/k/chunks=20,interval=300ms/v1
			models hold
		}
		provider ant anthropic {
			base_url $up
			api_key bench-key
			models claude
		}
		provider ant50 anthropic {
			base_url $up/k/delay=50ms
			api_key bench-key
			models claude50
		}
		provider antstream anthropic {
			base_url $up/k/chunks=20,interval=5ms
			api_key bench-key
			models claudestream20
		}
		provider anthold anthropic {
			base_url $up/k/chunks=20,interval=300ms
			api_key bench-key
			models claudehold
		}
		provider oaiholdh2c openai_compatible {
			base_url $up/k/chunks=20,interval=300ms/v1
			versions h2c
			models holdh2c
		}
		provider oairesp openai_compatible {
			base_url $up/v1
			responses_api
			models fastresp
		}
		provider oairespstream openai_compatible {
			base_url $up/k/chunks=20,interval=5ms/v1
			responses_api
			models respstream20
		}
		provider gem google {
			base_url $up/v1beta
			api_key bench-key
			models gem
		}
		provider gemstream google {
			base_url $up/k/chunks=20,interval=5ms/v1beta
			api_key bench-key
			models gemstream20
		}
		provider antholdh2c anthropic {
			base_url $up/k/chunks=20,interval=300ms
			versions h2c
			api_key bench-key
			models claudeholdh2c
		}
	}
}

http://127.0.0.1:$rp_port {
	reverse_proxy 127.0.0.1:$up_port
}

# The same upstream over HTTP/2 without TLS (it speaks both on one port).
http://127.0.0.1:$rph2c_port {
	reverse_proxy 127.0.0.1:$up_port {
		transport http {
			versions h2c
		}
	}
}
EOF

# start_caddy NAME: a fresh gateway process per run, so CPU seconds and
# peak RSS belong to that run alone. Its logs (the per-request audit
# entries included, as in production) go to a file.
start_caddy() {
	XDG_CONFIG_HOME=$out/xdg XDG_DATA_HOME=$out/xdg \
		$pin_gw "$bin/caddy" run --config "$out/Caddyfile" --adapter caddyfile >"$out/logs/caddy-$1.log" 2>&1 &
	caddy_pid=$!
	wait_http "http://127.0.0.1:$admin_port/config/"
}

stop_caddy() {
	kill "$caddy_pid" 2>/dev/null || true
	wait "$caddy_pid" 2>/dev/null || true
	caddy_pid=""
}

body() { # body MODEL [stream]
	local extra=""
	[ "${2:-}" = stream ] && extra=',"stream":true'
	printf '{"model":"%s","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say something about reverse proxies."}]%s}' "$1" "$extra"
}

# shoot SCENARIO TARGET URL BODY EXPECT LOAD-ARGS...: one measured run, as
# repetition $rep (set by the scenario's loop).
# shoot SCENARIO TARGET URL BODY EXPECT [load flags]: BODY is the JSON, or
# "shape:NAME:MODEL[:stream]" for load's -shape (chat, responses, gemini).
shoot() {
	local scenario=$1 target=$2 url=$3 body=$4 expect=$5
	shift 5
	local pid_args=() body_args=(-body "$body")
	if [[ $body == shape:* ]]; then
		IFS=: read -r _ shape model stream <<<"$body"
		body_args=(-shape "$shape" -model "$model")
		[ "$stream" = stream ] && body_args+=(-stream)
	fi
	if [ "$target" != direct ]; then
		start_caddy "$scenario-$target-r$rep"
		pid_args=(-pid "$caddy_pid" -admin "http://127.0.0.1:$admin_port")
	fi
	$pin_load "$bin/load" -url "$url" "${body_args[@]}" -expect "$expect" \
		-scenario "$scenario" -target "$target" -rep "$rep" -json "$out/json/$scenario-$target-r$rep.json" \
		"${pid_args[@]}" "$@" | tee -a "$out/load.txt"
	[ "$target" != direct ] && stop_caddy
	return 0
}

wanted() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }

# Each scenario runs all its targets once per repetition, one repetition
# after another: a disturbance of this shared machine then hits one
# repetition of every target, not every repetition of one target, and the
# report's medians across repetitions leave it out.
reps() { seq "$repeat"; }

# begin_rep SCENARIO: marks the repetition on screen and in load.txt (the
# load tool's own text does not name it).
begin_rep() {
	if [ "$repeat" -gt 1 ]; then
		log "$1: repetition $rep of $repeat" | tee -a "$out/load.txt"
	fi
}

# scenario NAME DESCRIPTION TARGETS ARGS...: when NAME is wanted, logs it
# and runs TARGETS NAME ARGS... once per repetition, which shoots each of
# the scenario's targets once.
scenario() {
	local sc=$1 what=$2 targets=$3
	shift 3
	wanted "$sc" || return 0
	log "$sc: $what"
	for rep in $(reps); do
		begin_rep "$sc"
		"$targets" "$sc" "$@"
	done
}

gw="http://127.0.0.1:$gw_port/v1/chat/completions"
rp="http://127.0.0.1:$rp_port"
rph2c="http://127.0.0.1:$rph2c_port"
warm=$(secs 2)

# chat_targets SCENARIO K BODY TRANSLATED-BODY EXPECT LOAD-ARGS...: the four
# targets of a chat scenario: the upstream directly and through
# reverse_proxy (with the fake's knobs K in the path), and ai_backends
# passing BODY through and translating TRANSLATED-BODY to Anthropic.
chat_targets() {
	local sc=$1 k=$2 pass=$3 translated=$4 expect=$5
	shift 5
	shoot "$sc" direct "$up$k/v1/chat/completions" "$pass" "$expect" "$@"
	shoot "$sc" reverse_proxy "$rp$k/v1/chat/completions" "$pass" "$expect" "$@"
	shoot "$sc" ai_passthrough "$gw" "$pass" "$expect" "$@"
	shoot "$sc" ai_translated "$gw" "$translated" "$expect" "$@"
}

# open loop, 500 RPS, upstream answers at once / after 50 ms
for delay in 0 50; do
	k="" m=fast a=claude
	[ "$delay" = 50 ] && k="/k/delay=50ms" m=fast50 a=claude50
	scenario "open500_d${delay}" "open loop 500 RPS for $(secs 20), upstream delay ${delay}ms" \
		chat_targets "$k" "$(body $m)" "$(body $a)" chat.completion -mode open -rate 500 -duration "$(secs 20)" -warmup "$warm"
done

scenario closed64 "closed loop, 64 workers for $(secs 15)" \
	chat_targets "" "$(body fast)" "$(body claude)" chat.completion -mode closed -workers 64 -duration "$(secs 15)" -warmup "$warm"

scenario stream200 "streams of 20 chunks 5 ms apart, open loop 200 RPS for $(secs 15)" \
	chat_targets /k/chunks=20,interval=5ms "$(body stream20 stream)" "$(body claudestream20 stream)" '[DONE]' \
	-mode open -rate 200 -duration "$(secs 15)" -warmup "$warm"

# The endpoints of issues 15 and 16 next to chat's: the same conversation
# as a chat, a Responses and a Gemini-native request, each passed through
# to its own kind of upstream and translated to Anthropic. Targets: the
# gateway's CPU per request of a Responses or Gemini pass-through within
# 10 % of chat pass-through's, translation ≤ 50 µs more than pass-through.
gwr="http://127.0.0.1:$gw_port/v1/responses"
gwg="http://127.0.0.1:$gw_port/v1beta/models"
endpoint_targets() {
	local sc=$1
	shift
	chat_targets "$sc" "" shape:chat:fast shape:chat:claude chat.completion "$@"
	shoot "$sc" ai_responses_pass "$gwr" shape:responses:fastresp '"response"' "$@"
	shoot "$sc" ai_responses_translated "$gwr" shape:responses:claude '"response"' "$@"
	shoot "$sc" ai_gemini_pass "$gwg/gem:generateContent" shape:gemini:gem candidates "$@"
	shoot "$sc" ai_gemini_translated "$gwg/claude:generateContent" shape:gemini:claude candidates "$@"
}
scenario endpoints500 "chat, Responses and Gemini requests, open loop 500 RPS for $(secs 20) each" \
	endpoint_targets -mode open -rate 500 -duration "$(secs 20)" -warmup "$warm"

# The load generator keeps the first and last 256 bytes of an answer: a
# Responses stream ends with response.completed's whole Response object,
# so its expectation is the usage near that object's end.
endpoint_stream_targets() {
	local sc=$1 k=/k/chunks=20,interval=5ms
	shift
	shoot "$sc" direct "$up$k/v1/chat/completions" shape:chat:stream20:stream '[DONE]' "$@"
	shoot "$sc" ai_passthrough "$gw" shape:chat:stream20:stream '[DONE]' "$@"
	shoot "$sc" ai_translated "$gw" shape:chat:claudestream20:stream '[DONE]' "$@"
	shoot "$sc" ai_responses_pass "$gwr" shape:responses:respstream20:stream total_tokens "$@"
	shoot "$sc" ai_responses_translated "$gwr" shape:responses:claudestream20:stream total_tokens "$@"
	shoot "$sc" ai_gemini_pass "$gwg/gemstream20:streamGenerateContent?alt=sse" shape:gemini:gemstream20 STOP "$@"
	shoot "$sc" ai_gemini_translated "$gwg/claudestream20:streamGenerateContent?alt=sse" shape:gemini:claudestream20 STOP "$@"
}
scenario endpoints_stream200 "chat, Responses and Gemini streams of 20 chunks 5 ms apart, open loop 200 RPS for $(secs 15) each" \
	endpoint_stream_targets -mode open -rate 200 -duration "$(secs 15)" -warmup "$warm"

# hold_targets SCENARIO RP-BASE MODEL CLAUDE-MODEL: 1,000 streams of 20
# chunks 300 ms apart held open at once, through reverse_proxy (at RP-BASE)
# and ai_backends.
hold_targets() {
	local sc=$1 rpbase=$2 model=$3 claude=$4 k=/k/chunks=20,interval=300ms
	local args=(-mode hold -concurrency 1000 -timeout 60s)
	shoot "$sc" reverse_proxy "$rpbase$k/v1/chat/completions" "$(body hold stream)" '[DONE]' "${args[@]}"
	shoot "$sc" ai_passthrough "$gw" "$(body "$model" stream)" '[DONE]' "${args[@]}"
	shoot "$sc" ai_translated "$gw" "$(body "$claude" stream)" '[DONE]' "${args[@]}"
}

scenario hold1000 "1,000 concurrent streams held open (20 chunks 300 ms apart: 6 s each)" \
	hold_targets "$rp" hold claudehold

# As hold1000, but the gateway and reverse_proxy talk to the upstream over
# HTTP/2 without TLS (h2c), standing in for the HTTP/2 the large providers
# offer over TLS: upstream streams share a few connections instead of one
# connection each. Clients still come in over HTTP/1.1.
scenario hold1000_h2c "as hold1000, gateway to upstream over h2c" \
	hold_targets "$rph2c" holdh2c claudeholdh2c

echo "loadavg:    $(cut -d' ' -f1-3 /proc/loadavg) (at end)" >>"$out/machine.txt"
log "report"
"$bin/report" -machine "$out/machine.txt" "$out/json" | tee "$out/report.md"
echo
echo "results: $out"
