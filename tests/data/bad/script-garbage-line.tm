0.010171 25
this is not a timing line
0.193768 5
