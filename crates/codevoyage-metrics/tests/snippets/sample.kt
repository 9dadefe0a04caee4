class A {
  fun f(a: Int, b: Int): Int {
    if (a > 0 && b > 0) { return 1 }
    for (x in xs) { }
    return a ?: b
  }
}
