f() {
  if [ "$1" ] && [ "$2" ]; then
    echo a
  elif [ "$3" ]; then
    echo b
  fi
  while true; do break; done
}
