class A
  def f(a, b)
    if a && b
      1
    elsif a
      2
    end
    while a
    end
  end
end
