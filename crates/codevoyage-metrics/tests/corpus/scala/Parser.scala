package tiny.config

import scala.util.{Failure, Success, Try}

/** Parses `key = value` configuration text. */
object Parser {
  sealed trait Value
  final case class Str(s: String) extends Value
  final case class Num(n: Double) extends Value
  final case class Bool(b: Boolean) extends Value

  def parseValue(raw: String): Value = {
    val text = raw.trim
    if (text == "true" || text == "false") {
      Bool(text.toBoolean)
    } else {
      Try(text.toDouble) match {
        case Success(n) => Num(n)
        case Failure(_) => Str(text.stripPrefix("\"").stripSuffix("\""))
      }
    }
  }

  def parseLine(line: String): Option[(String, Value)] = {
    val trimmed = line.trim
    if (trimmed.isEmpty || trimmed.startsWith("#")) None
    else {
      val idx = trimmed.indexOf('=')
      if (idx <= 0) None
      else Some(trimmed.substring(0, idx).trim -> parseValue(trimmed.substring(idx + 1)))
    }
  }

  def parse(text: String): Map[String, Value] = {
    var result = Map.empty[String, Value]
    for (line <- text.split("\n")) {
      parseLine(line) match {
        case Some((k, v)) if !result.contains(k) => result += k -> v
        case _ =>
      }
    }
    result
  }

  def describe(v: Value): String = v match {
    case Str(s) => s"string($s)"
    case Num(n) if n == n.floor => s"int(${n.toLong})"
    case Num(n) => s"number($n)"
    case Bool(b) => if (b) "yes" else "no"
  }

  def countDepth(text: String): Int = {
    var depth = 0
    var max = 0
    var i = 0
    while (i < text.length) {
      if (text(i) == '[') depth += 1
      else if (text(i) == ']' && depth > 0) depth -= 1
      if (depth > max) max = depth
      i += 1
    }
    max
  }
}
