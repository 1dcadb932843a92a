# import -> export -> import -> export is identical, in both formats.
. tests/cli/lib.sh
roundtrip() { # STORE
  st=$1
  for fmt in csv json; do
    run_cmd 0 $S export $st --format $fmt -o $TMP/one.$fmt
    run_cmd 0 $S import -q -o $TMP/b-$fmt.h5 $TMP/one.$fmt
    run_cmd 0 $S export $TMP/b-$fmt.h5 --format $fmt -o $TMP/two.$fmt
    expect_same $TMP/one.$fmt $TMP/two.$fmt
    [ $fmt = csv ] && expect_same $TMP/one.json $TMP/two.json
    # Every system and model came back with the same values and provenance.
    $S profiles $st >$TMP/p1; $S profiles $TMP/b-$fmt.h5 >$TMP/p2
    expect_same $TMP/p1 $TMP/p2
    for sys in $($S profiles $st | awk '/^Systems/{f=1;next} /^$/{f=0} f && $1!="NAME"{print $1}'); do
      $S show $st "$sys" "$2" >$TMP/s1; $S show $TMP/b-$fmt.h5 "$sys" "$2" >$TMP/s2
      expect_same $TMP/s1 $TMP/s2
    done
    rm -f $TMP/one.* $TMP/two.* $TMP/b-$fmt.h5
  done
}
run_cmd 0 $S import -q -o $TMP/m.h5 profiles/default/*.csv
roundtrip $TMP/m.h5 resnet50
if [ -d "$SHARED/scission" ]; then
  run_cmd 0 $S import -q -o $TMP/s.h5 "$SHARED"/scission/*.dat
  roundtrip $TMP/s.h5 vgg19
fi
