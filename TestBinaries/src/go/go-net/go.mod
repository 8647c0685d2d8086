module go-net

go 1.19
