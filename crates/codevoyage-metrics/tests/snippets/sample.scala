object A {
  def f(a: Int, b: Int): Int = {
    if (a > 0 && b > 0) 1
    else {
      for (x <- xs) {}
      a match { case 1 => 2; case _ => 3 }
    }
  }
}
