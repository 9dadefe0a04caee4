class A {
  func f(a: Int, b: Int) -> Int {
    if a > 0 && b > 0 { return 1 }
    for x in xs { }
    guard a > 1 else { return 0 }
    return a > b ? a : b
  }
}
