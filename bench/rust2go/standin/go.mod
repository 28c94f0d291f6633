module github.com/ihciah/rust2go

go 1.26.0
