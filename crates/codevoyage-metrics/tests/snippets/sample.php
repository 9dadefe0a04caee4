<?php
class A {
  function f($a, $b) {
    if ($a && $b) { return 1; } elseif ($a) { return 2; }
    foreach ($b as $x) {}
    return $a ? 1 : 2;
  }
}
