class A {
  int F(int a, int b) {
    if (a > 0 && b > 0) { return 1; }
    foreach (var x in xs) { }
    return a > b ? a : b;
  }
}
