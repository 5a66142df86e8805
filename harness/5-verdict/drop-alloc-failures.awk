# Drop the reports of failed allocations from a kernel log: the line of
# warn_alloc() ("page allocation failure", "vmalloc error") and the stack
# dump that follows it, up to its </TASK>. Fault injection makes
# allocations fail on purpose; everything else passes through.
# Usage: awk -f drop-alloc-failures.awk [file...]
/: page allocation failure: |: vmalloc error: / { skip = 1; next }
skip && /<\/TASK>/ { skip = 0; next }
!skip
