#!/usr/bin/env python3
# -*- coding: utf-8 -*-
#
# Steering file of campaign MC12b (prodc: mc12/campaign.prod).
# Run-independent signal MC for early phase 3: experiment 1003, run 0,
# release-03-01-00, global tag mc_production_mc12 (id 547).
#
# usage: basf2 MC12b.py -n <events per job> -o <mdst file> -- EVENT_TYPE BACKGROUND
#   EVENT_TYPE  10-digit event type, selects decfiles/dec/<EVENT_TYPE>.dec
#   BACKGROUND  BGx0 (no beam background) or BGx1 (nominal overlay)

import sys

import basf2 as b2
from generators import add_evtgen_generator
from simulation import add_simulation
from reconstruction import add_reconstruction
from mdst import add_mdst_output
from background import get_background_files

event_type, background = sys.argv[1], sys.argv[2]

b2.reset_database()
b2.use_database_chain()
b2.use_central_database("mc_production_mc12")

main = b2.create_path()
main.add_module("EventInfoSetter", expList=[1003], runList=[0])
add_evtgen_generator(main, finalstate="signal",
                     signaldecfile=b2.find_file(f"decfiles/dec/{event_type}.dec"))
bkg_files = get_background_files() if background == "BGx1" else None
add_simulation(main, bkgfiles=bkg_files)
add_reconstruction(main)
add_mdst_output(main, mc=True, filename="mdst.root")
main.add_module("Progress")

b2.process(main)
print(b2.statistics)
