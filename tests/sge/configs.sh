# Configurations of the test cell as sites have them, sourced by start-sge (which has loaded
# the cell's settings and defined step and fail). `start-sge --config NAME` switches to one;
# only what differs from the cell as it is changes (qconf -Mc / -Mconf / -rattr, no daemon
# restart), so switching again to the same configuration changes nothing.
#
#   default       the cell as start-sge sets it up: h_vmem consumable per slot (YES) with
#                 default 0, all.q h_rt 48:00:00, pe threaded only, SGE's array limits
#   slot-default  h_vmem per slot with a default of 2G: a job that asks none gets 2G a slot
#   per-job       h_vmem consumable per JOB: reserved once, whatever the slots
#   limit-only    h_vmem not consumable: a limit on each job, nothing reserved on the host
#   per-core      UCL's: mem per slot (default 1G) is the memory request, h_vmem not requestable
#   strict        all.q h_rt 2:00:00, max_aj_tasks 4, max_aj_instances 2, pe spread
#                 ($round_robin) beside threaded, and a project required (enforce_project,
#                 a global setting of sge_conf(5)); the one project is sgetest

CONFIGS="default slot-default per-job limit-only per-core strict"
PROJECT=sgetest
SPREAD_PE=spread

# What configuration $1 sets: h_vmem's requestable, consumable and default columns (VMEM),
# mem's default, all.q's h_rt and pe_list, the global array limits and enforce_project, and
# whether the strict site's pe and project exist. Fails for a name that is no configuration.
config_values() {
    VMEM="YES YES 0" MEM_DEFAULT=0 QUEUE_H_RT=48:00:00 PE_LIST=threaded
    ARRAY_TASKS=75000 ARRAY_RUNNING=2000 ENFORCE_PROJECT=false STRICT=no
    case $1 in
        default) ;;
        slot-default) VMEM="YES YES 2G" ;;
        per-job) VMEM="YES JOB 0" ;;
        limit-only) VMEM="YES NO 0" ;;
        per-core) VMEM="NO NO 0" MEM_DEFAULT=1G ;;
        strict) QUEUE_H_RT=2:00:00 PE_LIST="threaded $SPREAD_PE" ARRAY_TASKS=4 ARRAY_RUNNING=2
            ENFORCE_PROJECT=true STRICT=yes ;;
        *) return 1 ;;
    esac
}

is_config() { [[ " $CONFIGS " == *" $1 "* ]]; }

# The complexes: h_vmem's requestable, consumable and default columns, mem's default.
config_complexes() {
    local file=$1 now
    now="$(qconf -sc | awk '$1 == "h_vmem" { print $5, $6, $7 } $1 == "mem" { print $7 }' | tr '\n' ' ')"
    [ "$now" = "$VMEM $MEM_DEFAULT " ] && return 0
    qconf -sc >"$file"
    sed -i -E -e "s/^h_vmem .*/h_vmem h_vmem MEMORY <= $VMEM 0/" -e "s/^mem .*/mem mem MEMORY <= YES YES $MEM_DEFAULT 0/" "$file"
    step qconf -Mc "$file"
    CHANGED+=" complexes"
}

# The global configuration: the array limits and enforce_project (each takes effect at once).
config_global() {
    local file=$1 now
    qconf -sconf global >"$file"
    now=$(awk '$1 == "max_aj_tasks" { t = $2 } $1 == "max_aj_instances" { i = $2 } $1 == "enforce_project" { p = $2 }
        END { print t, i, p }' "$file")
    [ "$now" = "$ARRAY_TASKS $ARRAY_RUNNING $ENFORCE_PROJECT" ] && return 0
    sed -i -E -e "s/^max_aj_tasks[[:space:]].*/max_aj_tasks $ARRAY_TASKS/" \
        -e "s/^max_aj_instances[[:space:]].*/max_aj_instances $ARRAY_RUNNING/" \
        -e "s/^enforce_project[[:space:]].*/enforce_project $ENFORCE_PROJECT/" "$file"
    step qconf -Mconf "$file"
    CHANGED+=" global"
}

config_queue() {
    local now
    now=$(qconf -sq all.q | awk '$1 == "h_rt" { print $2 }')
    [ "$now" = "$QUEUE_H_RT" ] || { step qconf -rattr queue h_rt "$QUEUE_H_RT" all.q; CHANGED+=" h_rt"; }
    now=$(qconf -sq all.q | awk '$1 == "pe_list" { $1 = ""; print substr($0, 2) }')
    [ "$now" = "$PE_LIST" ] || { step qconf -rattr queue pe_list "$PE_LIST" all.q; CHANGED+=" pe_list"; }
}

# The strict site's own objects: the $round_robin pe and the project; gone in every other configuration.
config_objects() {
    local file=$1
    local has_pe=no has_project=no
    qconf -spl 2>/dev/null | grep -qx "$SPREAD_PE" && has_pe=yes
    qconf -sprjl 2>/dev/null | grep -qx "$PROJECT" && has_project=yes
    if [ "$STRICT" = yes ] && [ "$has_pe" = no ]; then
        printf '%s\n' "pe_name $SPREAD_PE" "slots 9999" "user_lists NONE" "xuser_lists NONE" \
            "start_proc_args NONE" "stop_proc_args NONE" "allocation_rule \$round_robin" \
            "control_slaves FALSE" "job_is_first_task TRUE" "urgency_slots min" \
            "accounting_summary FALSE" "qsort_args NONE" >"$file"
        step qconf -Ap "$file"
        CHANGED+=" pe"
    elif [ "$STRICT" = no ] && [ "$has_pe" = yes ]; then
        step qconf -dp "$SPREAD_PE"
        CHANGED+=" pe"
    fi
    if [ "$STRICT" = yes ] && [ "$has_project" = no ]; then
        printf '%s\n' "name $PROJECT" "oticket 0" "fshare 0" "acl NONE" "xacl NONE" >"$file"
        step qconf -Aprj "$file"
        CHANGED+=" project"
    elif [ "$STRICT" = no ] && [ "$has_project" = yes ]; then
        step qconf -dprj "$PROJECT"
        CHANGED+=" project"
    fi
}

# Switch to configuration $1. Objects are made before what names them and removed after.
config_apply() {
    local dir
    config_values "$1" || fail "no configuration '$1' (there are: $CONFIGS)"
    dir=$(mktemp -d)
    CHANGED=""
    config_complexes "$dir/complexes"
    if [ "$STRICT" = yes ]; then
        config_objects "$dir/object"
        config_queue
        config_global "$dir/global"
    else
        config_global "$dir/global"
        config_queue
        config_objects "$dir/object"
    fi
    rm -rf "$dir"
    echo "start-sge: configuration $1 (changed:${CHANGED:- nothing})"
}

# /tmp/sge-config-busy: "PID what" while a test session has the cell in another configuration.
BUSY=/tmp/sge-config-busy

# The default configuration back, unless a live process has the cell in another one now: what an
# interrupted test run left switched (its busy file names a process that is gone) is undone.
default_unless_busy() {
    local owner
    owner=$(cut -d' ' -f1 "$BUSY" 2>/dev/null || true)
    if [[ $owner =~ ^[0-9]+$ ]] && kill -0 "$owner" 2>/dev/null; then
        echo "start-sge: configuration left as it is: $(cat "$BUSY")"
        return
    fi
    rm -f "$BUSY"
    config_apply default
}
