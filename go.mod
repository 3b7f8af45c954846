module github.com/linkstream/linkstream

go 1.26.8
