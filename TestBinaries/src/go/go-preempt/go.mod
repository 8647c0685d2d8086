module go-preempt

go 1.19
