package web

// SharedIndex is the index the package's tests share, built once.
var SharedIndex = theIndex
