module go-basic

go 1.19
